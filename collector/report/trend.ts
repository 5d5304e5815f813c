import { SEVERITIES } from '../policy/types.js';
import type {
  ReportViolation,
  Trend,
  TrendBucket,
  TrendUnit,
} from './report-model.js';
import { DAY_MS, HOUR_MS, fromWall, wallMs } from './report-time.js';

/** Longest period counted per hour, per day, per week; longer: per month. */
const HOURLY_MAX_MS = 2 * DAY_MS;
const DAILY_MAX_MS = 92 * DAY_MS;
const WEEKLY_MAX_MS = 3 * 366 * DAY_MS;

/** 1970-01-01 was a Thursday: day 4 of the epoch is its first Monday. */
const EPOCH_MONDAY_OFFSET = 3;

/**
 * Stretches of the reader's wall clock, numbered: `key` of a wall time
 * (ms as if UTC), the wall time a stretch starts at, and its label.
 */
interface Calendar {
  key(wall: number): number;
  start(key: number): number;
  label(wall: number): string;
}

const CALENDARS: Record<TrendUnit, Calendar> = {
  hour: {
    key: (wall) => Math.floor(wall / HOUR_MS),
    start: (key) => key * HOUR_MS,
    label: (wall) =>
      `${isoOf(wall).slice(5, 10)} ${isoOf(wall).slice(11, 13)}:00`,
  },
  day: {
    key: (wall) => Math.floor(wall / DAY_MS),
    start: (key) => key * DAY_MS,
    label: (wall) => isoOf(wall).slice(5, 10),
  },
  week: {
    key: (wall) =>
      Math.floor((Math.floor(wall / DAY_MS) + EPOCH_MONDAY_OFFSET) / 7),
    start: (key) => (key * 7 - EPOCH_MONDAY_OFFSET) * DAY_MS,
    label: (wall) => isoOf(wall).slice(5, 10),
  },
  month: {
    key: (wall) => {
      const date = new Date(wall);
      return date.getUTCFullYear() * 12 + date.getUTCMonth();
    },
    start: (key) => Date.UTC(Math.floor(key / 12), key % 12, 1),
    label: (wall) => isoOf(wall).slice(0, 7),
  },
};

/** The unit a period is counted in: at most about 50-100 bars. */
export function trendUnit(spanMs: number): TrendUnit {
  if (spanMs <= HOURLY_MAX_MS) return 'hour';
  if (spanMs <= DAILY_MAX_MS) return 'day';
  if (spanMs <= WEEKLY_MAX_MS) return 'week';
  return 'month';
}

/**
 * Violations per hour, day, week (from Monday) or month of the reader's
 * calendar, by their flagged time, with a bucket for every stretch the
 * period touches, empty ones included.
 */
export function trendOf(
  violations: ReportViolation[],
  period: { since: string; until: string; timezone: string },
): Trend {
  const sinceMs = Date.parse(period.since);
  const untilMs = Date.parse(period.until);
  const unit = trendUnit(untilMs - sinceMs);
  const calendar = CALENDARS[unit];
  const keyAt = (ms: number) => calendar.key(wallMs(ms, period.timezone));
  const first = keyAt(sinceMs);
  const buckets: TrendBucket[] = [];
  for (let key = first; key <= keyAt(untilMs - 1); key++) {
    const wall = calendar.start(key);
    buckets.push({
      start: new Date(fromWall(wall, period.timezone)).toISOString(),
      label: calendar.label(wall),
      total: 0,
      severity: { critical: 0, high: 0, medium: 0, low: 0 },
    });
  }
  for (const v of violations) {
    const bucket = buckets[keyAt(Date.parse(v.createdAt)) - first];
    if (!bucket) continue;
    bucket.total += 1;
    const severity = SEVERITIES.find((s) => s === v.severity);
    if (severity) bucket.severity[severity] += 1;
  }
  return { unit, buckets };
}

function isoOf(wall: number): string {
  return new Date(wall).toISOString();
}
