/** Wall-clock reading of one instant in one timezone. */
export interface LocalTime {
  /** 0 = Monday … 6 = Sunday. */
  weekday: number;
  /** Minutes since local midnight. */
  minutes: number;
  /** Local calendar date, YYYY-MM-DD. */
  date: string;
  /** e.g. "Sat 2025-03-01 23:14": how reasons show the time. */
  label: string;
}

export const WEEKDAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'];
const INTL_WEEKDAYS = ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'];

const formatters = new Map<string, Intl.DateTimeFormat>();

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
 * Reads `ms` on the wall clock of `timezone`. Intl applies the zone's rules
 * for that very instant, so DST changes need no care here.
 */
export function localTime(ms: number, timezone: string): LocalTime {
  const parts: Record<string, string> = {};
  for (const part of formatterFor(timezone).formatToParts(ms)) {
    parts[part.type] = part.value;
  }
  const weekdayName = parts.weekday ?? '';
  const date = `${parts.year}-${parts.month}-${parts.day}`;
  const hhmm = `${parts.hour}:${parts.minute}`;
  return {
    weekday: INTL_WEEKDAYS.indexOf(weekdayName),
    minutes: Number(parts.hour) * 60 + Number(parts.minute),
    date,
    label: `${weekdayName} ${date} ${hhmm}`,
  };
}

function formatterFor(timezone: string): Intl.DateTimeFormat {
  let formatter = formatters.get(timezone);
  if (formatter === undefined) {
    formatter = new Intl.DateTimeFormat('en-US', {
      timeZone: timezone,
      hourCycle: 'h23',
      weekday: 'short',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
    });
    formatters.set(timezone, formatter);
  }
  return formatter;
}

/**
 * Milliseconds of an RFC 3339 time, NaN when it is not one. Digits past
 * the millisecond are cut: schedules and validity work in minutes.
 */
export function parseInstant(text: string): number {
  const RFC3339 =
    /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(\.\d{1,3})?\d*(Z|[+-]\d{2}:\d{2})$/i;
  const m = RFC3339.exec(text);
  if (m === null || !isCalendarDate(`${m[1]}-${m[2]}-${m[3]}`)) return NaN;
  if (Number(m[4]) > 23 || Number(m[5]) > 59 || Number(m[6]) > 59) {
    return NaN;
  }
  const trimmed = `${m[1]}-${m[2]}-${m[3]}T${m[4]}:${m[5]}:${m[6]}${m[7] ?? ''}${m[8]}`;
  return Date.parse(trimmed.toUpperCase());
}

/** True for a real YYYY-MM-DD date (no 2027-02-30). */
export function isCalendarDate(text: string): boolean {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text);
  if (m === null) return false;
  const date = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])));
  return date.toISOString().slice(0, 10) === text;
}
