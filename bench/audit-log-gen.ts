import {
  closeSync,
  openSync,
  readdirSync,
  readFileSync,
  writeSync,
} from 'node:fs';
import { join } from 'node:path';

/** Where the real captured logs are: the repo's fixtures and the corpus. */
export const AUDIT_SOURCES = [
  'test/fixtures/audit',
  '/work/shared/corpus/auditd',
] as const;

const STAMP = /msg=audit\((\d+)\.(\d{3}):(\d+)\)/;
/** First event time of the generated log: 2026-12-01T00:00:00Z. */
const LOG_START_MS = Date.parse('2026-12-01T00:00:00Z');

/**
 * The events of real audit logs: each a run of record lines that share one
 * msg=audit(time:serial) stamp, kept byte for byte (node= prefixes,
 * enriched fields after 0x1D, hex names). Lines without a stamp are left.
 */
export function readAuditEvents(dirs: readonly string[]): string[][] {
  const events: string[][] = [];
  for (const dir of dirs) {
    for (const name of readdirSync(dir).sort()) {
      if (!/\.(log|txt)$/.test(name)) continue;
      const text = readFileSync(join(dir, name), 'utf8');
      const byStamp = new Map<string, string[]>();
      for (const line of text.split('\n')) {
        const stamp = STAMP.exec(line)?.[0];
        if (stamp === undefined) continue;
        let lines = byStamp.get(stamp);
        if (!lines) byStamp.set(stamp, (lines = []));
        lines.push(line);
      }
      events.push(...byStamp.values());
    }
  }
  return events;
}

/**
 * Writes at least `records` record lines to `file` by replaying `events`
 * over and over, each copy with a fresh serial and a time 1 ms after the
 * last, as auditd would have written them. Returns the lines written.
 */
export function writeAuditLog(
  file: string,
  events: readonly string[][],
  records: number,
): number {
  const fd = openSync(file, 'w');
  let written = 0;
  let serial = 1000;
  let chunk: string[] = [];
  try {
    for (let i = 0; written < records; i++) {
      const event = events[i % events.length]!;
      serial += 1;
      const ms = LOG_START_MS + i;
      const stamp = `msg=audit(${Math.floor(ms / 1000)}.${String(ms % 1000).padStart(3, '0')}:${serial})`;
      for (const line of event) chunk.push(line.replace(STAMP, stamp));
      written += event.length;
      if (chunk.length >= 10_000) {
        writeSync(fd, `${chunk.join('\n')}\n`);
        chunk = [];
      }
    }
    if (chunk.length > 0) writeSync(fd, `${chunk.join('\n')}\n`);
  } finally {
    closeSync(fd);
  }
  return written;
}
