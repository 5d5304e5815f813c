import { localTime } from '../policy/local-time.js';

/* Instants as the report's reader reads them (DESIGN section 11): on the
   wall clock of one IANA timezone, always with the offset. */

const MINUTE_MS = 60_000;
export const HOUR_MS = 60 * MINUTE_MS;
export const DAY_MS = 24 * HOUR_MS;

/** Minutes `timezone` is ahead of UTC at `ms` (480 for Asia/Shanghai). */
export function offsetMinutes(ms: number, timezone: string): number {
  const local = localTime(ms, timezone);
  // localTime counts whole minutes of the wall clock since 1970.
  return local.day * 1440 + local.minutes - Math.floor(ms / MINUTE_MS);
}

/** "+08:00", "-03:30", "+00:00". */
export function offsetText(minutes: number): string {
  const sign = minutes < 0 ? '-' : '+';
  const abs = Math.abs(minutes);
  return `${sign}${pad2(Math.floor(abs / 60))}:${pad2(abs % 60)}`;
}

/** Milliseconds of the wall clock of `timezone` at `ms`, as if UTC. */
export function wallMs(ms: number, timezone: string): number {
  return ms + offsetMinutes(ms, timezone) * MINUTE_MS;
}

/**
 * The instant whose wall clock in `timezone` reads `wall` (ms as if UTC).
 * Two rounds settle the offset except inside a DST jump, where the wall
 * time does not exist or exists twice; either neighbour is then fine.
 */
export function fromWall(wall: number, timezone: string): number {
  let ms = wall;
  for (let round = 0; round < 2; round++) {
    ms = wall - offsetMinutes(ms, timezone) * MINUTE_MS;
  }
  return ms;
}

/** "2026-12-05 18:00:07 +08:00"; text that is not a time comes back as is. */
export function readerTime(iso: string, timezone: string): string {
  const ms = Date.parse(iso);
  if (!Number.isFinite(ms)) return iso;
  const offset = offsetMinutes(ms, timezone);
  const wall = new Date(ms + offset * MINUTE_MS).toISOString();
  return `${wall.slice(0, 10)} ${wall.slice(11, 19)} ${offsetText(offset)}`;
}

/** "2026-12-05T18:00:07.123+08:00": ISO 8601 with the reader's offset. */
export function readerIso(iso: string, timezone: string): string {
  const ms = Date.parse(iso);
  if (!Number.isFinite(ms)) return iso;
  const offset = offsetMinutes(ms, timezone);
  const wall = new Date(ms + offset * MINUTE_MS).toISOString();
  return `${wall.slice(0, 23)}${offsetText(offset)}`;
}

function pad2(n: number): string {
  return String(n).padStart(2, '0');
}
