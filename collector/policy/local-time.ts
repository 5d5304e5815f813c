/** Wall-clock reading of one instant in one timezone. */
export interface LocalTime {
  /** 0 = Monday … 6 = Sunday. */
  weekday: number;
  /** Minutes since local midnight. */
  minutes: number;
  /** Local calendar date, YYYY-MM-DD. */
  date: string;
  /** The same date as a day number: days since 1970-01-01. */
  day: number;
  /** e.g. "Sat 2025-03-01 23:14": how reasons show the time. */
  label: string;
}

export const WEEKDAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'];
const LABEL_WEEKDAYS = ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'];

const MS_PER_HOUR = 60 * 60 * 1000;
/** Cached UTC hours per timezone before the cache starts over. */
const OFFSET_CACHE_MAX_HOURS = 4096;

const formatters = new Map<string, Intl.DateTimeFormat>();
/** Per timezone: UTC hour → its offset in ms, or null if it changes within. */
const hourOffsets = new Map<string, Map<number, number | null>>();

/**
 * The IANA name Intl knows `timezone` by (e.g. "utc" → "UTC"), or
 * undefined when this Node's ICU does not know it.
 */
export function canonicalTimezone(timezone: string): string | undefined {
  try {
    return formatterFor(timezone).resolvedOptions().timeZone;
  } catch {
    return undefined;
  }
}

/**
 * Reads `ms` on the wall clock of `timezone`. The offset comes from Intl
 * for that very instant, so DST is handled by the zone's own rules.
 */
export function localTime(ms: number, timezone: string): LocalTime {
  return new WallClock(ms + offsetAt(ms, timezone));
}

const MS_PER_DAY = 24 * MS_PER_HOUR;
/** 1970-01-01, day 0 of the epoch, was a Thursday (3 counting from Monday). */
const EPOCH_WEEKDAY = 3;

// Rules ask for the weekday and minutes of nearly every event, reasons
// for the date and label of few: those two strings are made on demand.
class WallClock implements LocalTime {
  readonly weekday: number;
  readonly minutes: number;
  readonly day: number;
  private dateText: string | undefined;

  constructor(private readonly wallMs: number) {
    this.day = Math.floor(wallMs / MS_PER_DAY);
    this.weekday = (((this.day + EPOCH_WEEKDAY) % 7) + 7) % 7;
    this.minutes = Math.floor((wallMs - this.day * MS_PER_DAY) / 60_000);
  }

  get date(): string {
    this.dateText ??= new Date(this.wallMs).toISOString().slice(0, 10);
    return this.dateText;
  }

  get label(): string {
    const hh = Math.floor(this.minutes / 60);
    const mm = this.minutes % 60;
    const day = LABEL_WEEKDAYS[this.weekday] ?? '';
    return `${day} ${this.date} ${pad2(hh)}:${pad2(mm)}`;
  }
}

/**
 * Asking Intl costs microseconds, so offsets are cached per UTC hour; an
 * hour whose start and end offsets differ (a DST change) is not cached
 * and asks Intl for every instant in it.
 */
function offsetAt(ms: number, timezone: string): number {
  let hours = hourOffsets.get(timezone);
  if (hours === undefined || hours.size >= OFFSET_CACHE_MAX_HOURS) {
    hours = new Map();
    hourOffsets.set(timezone, hours);
  }
  const hour = Math.floor(ms / MS_PER_HOUR);
  let offset = hours.get(hour);
  if (offset === undefined) {
    const start = intlOffset(hour * MS_PER_HOUR, timezone);
    const end = intlOffset((hour + 1) * MS_PER_HOUR - 1, timezone);
    offset = start === end ? start : null;
    hours.set(hour, offset);
  }
  return offset ?? intlOffset(ms, timezone);
}

function intlOffset(ms: number, timezone: string): number {
  const parts: Record<string, number> = {};
  for (const part of formatterFor(timezone).formatToParts(ms)) {
    parts[part.type] = Number(part.value);
  }
  const { year = 0, month = 1, day = 1, hour = 0, minute = 0 } = parts;
  const second = parts.second ?? 0;
  const wallMs = utcMs(year, month, day, hour, minute) + second * 1000;
  return wallMs - Math.floor(ms / 1000) * 1000;
}

function formatterFor(timezone: string): Intl.DateTimeFormat {
  let formatter = formatters.get(timezone);
  if (formatter === undefined) {
    formatter = new Intl.DateTimeFormat('en-US', {
      timeZone: timezone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    formatters.set(timezone, formatter);
  }
  return formatter;
}

function pad2(n: number): string {
  return n < 10 ? `0${n}` : String(n);
}

const RFC3339 =
  /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(\.\d{1,3})?\d*(Z|[+-]\d{2}:\d{2})$/i;

/**
 * Milliseconds of an RFC 3339 time, NaN when it is not one. Digits past
 * the millisecond are cut: schedules and validity work in minutes.
 */
export function parseInstant(text: string): number {
  const m = RFC3339.exec(text);
  if (m === null) return NaN;
  const year = Number(m[1]);
  const month = Number(m[2]);
  const day = Number(m[3]);
  const hour = Number(m[4]);
  const minute = Number(m[5]);
  const second = Number(m[6]);
  if (!isDay(year, month, day)) return NaN;
  if (hour > 23 || minute > 59 || second > 60) return NaN;
  const fraction =
    m[7] === undefined ? 0 : Number(m[7].slice(1).padEnd(3, '0'));
  // A leap second (:60) reads as the last second of its minute.
  const utc = utcMs(year, month, day, hour, minute);
  const ms = utc + Math.min(second, 59) * 1000 + fraction;
  return ms - zoneOffsetMs(m[8] ?? 'Z');
}

/**
 * Date.UTC for every year: Date.UTC itself reads years 0–99 as 1900–1999,
 * so "0099-01-01" would land in 1999.
 */
function utcMs(
  year: number,
  month: number,
  day: number,
  hour: number,
  minute: number,
): number {
  const date = new Date(0);
  date.setUTCFullYear(year, month - 1, day);
  date.setUTCHours(hour, minute, 0, 0);
  return date.getTime();
}

function zoneOffsetMs(zone: string): number {
  if (zone === 'Z' || zone === 'z') return 0;
  const sign = zone.startsWith('-') ? -1 : 1;
  const hours = Number(zone.slice(1, 3));
  const minutes = Number(zone.slice(4, 6));
  return sign * (hours * 60 + minutes) * 60 * 1000;
}

/** The day number (days since 1970-01-01) of a YYYY-MM-DD date. */
export function dayNumber(date: string): number {
  return Math.floor(Date.parse(`${date}T00:00:00Z`) / MS_PER_DAY);
}

/** True for a real YYYY-MM-DD date (no 2027-02-30). */
export function isCalendarDate(text: string): boolean {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text);
  return m !== null && isDay(Number(m[1]), Number(m[2]), Number(m[3]));
}

const MONTH_DAYS = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

function isDay(year: number, month: number, day: number): boolean {
  if (month < 1 || month > 12 || day < 1) return false;
  const leap = year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
  const length = (MONTH_DAYS[month - 1] ?? 0) + (leap && month === 2 ? 1 : 0);
  return day <= length;
}
