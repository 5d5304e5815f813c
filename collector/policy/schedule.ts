import { type LocalTime, WEEKDAYS } from './local-time.js';
import type { ScheduleDocument } from './types.js';

/** A checked `schedule` of an allow rule. */
export interface Schedule {
  /** Canonical IANA name. */
  timezone: string;
  /** Weekdays (0 = Monday) a window may start on. */
  days: ReadonlySet<number>;
  /** Window in local minutes, end exclusive; null: the whole day. */
  hours: { start: number; end: number } | null;
  /** e.g. "mon–fri 09:00–18:00 Asia/Shanghai". */
  text: string;
}

/**
 * Builds a schedule; `hours` must already have passed `hoursProblem`
 * and `timezone` must be canonical.
 */
export function buildSchedule(
  doc: ScheduleDocument,
  timezone: string,
): Schedule {
  const days = new Set(
    (doc.days ?? WEEKDAYS).map((day) => WEEKDAYS.indexOf(day)),
  );
  const hours = doc.hours === undefined ? null : parseHours(doc.hours);
  const text = [daysText(days), doc.hours?.replace('-', '–'), timezone]
    .filter((part) => part !== undefined)
    .join(' ');
  return { timezone, days, hours, text };
}

/** Why "HH:MM-HH:MM" is refused, or undefined when it is a valid window. */
export function hoursProblem(hours: string): string | undefined {
  const [start = '', end = ''] = hours.split('-');
  if (!isClock(start, false) || !isClock(end, true)) {
    return `${JSON.stringify(hours)} is not a time window: hours run 00–23, minutes 00–59, and only the end may be 24:00`;
  }
  if (start === end || (start === '00:00' && end === '24:00')) {
    return `${JSON.stringify(hours)} covers the whole day; leave hours out instead`;
  }
  return undefined;
}

function isClock(text: string, isEnd: boolean): boolean {
  const [h = NaN, m = NaN] = text.split(':').map(Number);
  if (isEnd && h === 24) return m === 0;
  return h >= 0 && h <= 23 && m >= 0 && m <= 59;
}

function parseHours(hours: string): { start: number; end: number } {
  const [start = 0, end = 0] = hours.split('-').map((clock) => {
    const [h = 0, m = 0] = clock.split(':').map(Number);
    return h * 60 + m;
  });
  return { start, end };
}

/**
 * True when `local` falls in the schedule. A window whose end is before its
 * start (22:00-06:00) runs past midnight and belongs to the day it started:
 * with days [fri], Saturday 03:00 is inside and Friday 03:00 is not.
 */
export function inSchedule(schedule: Schedule, local: LocalTime): boolean {
  const { days, hours } = schedule;
  if (hours === null) return days.has(local.weekday);
  const { start, end } = hours;
  if (start < end) {
    return local.minutes >= start && local.minutes < end
      ? days.has(local.weekday)
      : false;
  }
  if (local.minutes >= start) return days.has(local.weekday);
  if (local.minutes < end) return days.has((local.weekday + 6) % 7);
  return false;
}

/**
 * ", which belongs to sun's window" when `local` falls after midnight in a
 * window that started the day before; empty otherwise.
 */
export function nightNote(schedule: Schedule, local: LocalTime): string {
  const { hours } = schedule;
  if (hours === null || hours.start < hours.end) return '';
  if (local.minutes >= hours.end) return '';
  const day = WEEKDAYS[(local.weekday + 6) % 7] ?? '';
  return `, which belongs to ${day}'s window`;
}

/** "every day", "mon–fri" or "mon, wed, sat". */
function daysText(days: ReadonlySet<number>): string {
  const MIN_RUN_FOR_DASH = 3;
  const sorted = [...days].sort((a, b) => a - b);
  const first = sorted[0] ?? 0;
  const last = sorted[sorted.length - 1] ?? 0;
  if (sorted.length === WEEKDAYS.length) return 'every day';
  const contiguous = last - first + 1 === sorted.length;
  if (contiguous && sorted.length >= MIN_RUN_FOR_DASH) {
    return `${WEEKDAYS[first]}–${WEEKDAYS[last]}`;
  }
  return sorted.map((day) => WEEKDAYS[day]).join(', ');
}
