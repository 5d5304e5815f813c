import {
  dayNumber,
  isCalendarDate,
  type LocalTime,
  parseInstant,
} from './local-time.js';
import type { ValidDocument } from './types.js';

/** One end of `valid`: a whole local day, or an exact instant. */
export type Bound =
  | { kind: 'date'; date: string; day: number; text: string }
  | { kind: 'instant'; ms: number; text: string };

/** A checked `valid` of an allow rule; both ends are inclusive. */
export interface Validity {
  from: Bound | null;
  until: Bound | null;
  /** Zone whose calendar the date bounds use. */
  timezone: string;
}

/** Why a `from` or `until` value is refused, or undefined when fine. */
export function boundProblem(text: string): string | undefined {
  return parseBound(text) === null
    ? `${JSON.stringify(text)} is not a real date or time`
    : undefined;
}

/** Why from/until are out of order, or undefined when they are not. */
export function orderProblem(doc: ValidDocument): string | undefined {
  const from = doc.from === undefined ? null : parseBound(doc.from);
  const until = doc.until === undefined ? null : parseBound(doc.until);
  if (from === null || until === null || !isAfter(from, until)) {
    return undefined;
  }
  return `from ${from.text} is after until ${until.text}`;
}

function isAfter(a: Bound, b: Bound): boolean {
  if (a.kind === 'date' && b.kind === 'date') return a.date > b.date;
  if (a.kind === 'instant' && b.kind === 'instant') return a.ms > b.ms;
  // A date against an instant: their order depends on the timezone.
  return false;
}

/** Builds a validity from values that passed `boundProblem`. */
export function buildValidity(doc: ValidDocument, timezone: string): Validity {
  return {
    from: doc.from === undefined ? null : parseBound(doc.from),
    until: doc.until === undefined ? null : parseBound(doc.until),
    timezone,
  };
}

function parseBound(text: string): Bound | null {
  if (isCalendarDate(text)) {
    return { kind: 'date', date: text, day: dayNumber(text), text };
  }
  const ms = parseInstant(text);
  return Number.isNaN(ms) ? null : { kind: 'instant', ms, text };
}

/** True when the event's instant (and its local day) lies within. */
export function inValidity(
  validity: Validity,
  ms: number,
  local: LocalTime,
): boolean {
  const { from, until } = validity;
  if (from !== null && !notBefore(from, ms, local)) return false;
  return until === null || notAfter(until, ms, local);
}

function notBefore(bound: Bound, ms: number, local: LocalTime): boolean {
  return bound.kind === 'date' ? local.day >= bound.day : ms >= bound.ms;
}

function notAfter(bound: Bound, ms: number, local: LocalTime): boolean {
  return bound.kind === 'date' ? local.day <= bound.day : ms <= bound.ms;
}

/** e.g. "valid 2026-01-01 to 2027-06-30 in Asia/Shanghai". */
export function validityText(validity: Validity): string {
  const { from, until, timezone } = validity;
  const range =
    from !== null && until !== null
      ? `valid ${from.text} to ${until.text}`
      : from !== null
        ? `valid from ${from.text}`
        : `valid until ${until?.text ?? ''}`;
  const usesDates = from?.kind === 'date' || until?.kind === 'date';
  return usesDates ? `${range} in ${timezone}` : range;
}
