import type { LintIssue } from './lint-issue.js';
import { canonicalTimezone, localTime, WEEKDAYS } from './local-time.js';
import { buildSchedule, type Schedule } from './schedule.js';
import type { AllowRuleDocument, PolicyDocument } from './types.js';
import { type Bound, buildValidity, type Validity } from './validity.js';

const MS_PER_DAY = 24 * 60 * 60 * 1000;
/** Zone of `valid` dates without a schedule; same as compile-policy's. */
const DEFAULT_VALIDITY_TIMEZONE = 'UTC';

/**
 * Time checks of allow rules that load: a `valid` period that holds no
 * instant, or no day the schedule allows (error), and an `until` that
 * has passed (warning).
 */
export function rulePeriodIssues(
  doc: PolicyDocument,
  now: number,
): LintIssue[] {
  return (doc.allow ?? []).flatMap((rule, i) => {
    if (rule.valid === undefined) return [];
    const timezone = rule.schedule
      ? canonicalTimezone(rule.schedule.timezone)
      : DEFAULT_VALIDITY_TIMEZONE;
    // The loader refuses unknown zones; lint runs only on loaded policies.
    if (timezone === undefined) return [];
    const validity = buildValidity(rule.valid, timezone);
    const schedule = rule.schedule && buildSchedule(rule.schedule, timezone);
    const never = neverProblem(validity, schedule);
    if (never !== undefined) {
      return [neverIssue(rule, ['allow', i, 'valid'], never)];
    }
    return pastIssues(rule, ['allow', i, 'valid', 'until'], validity, now);
  });
}

function neverIssue(
  rule: AllowRuleDocument,
  at: LintIssue['at'],
  problem: string,
): LintIssue {
  return {
    at,
    code: 'VIGIL_POLICY_RULE_NEVER_MATCHES',
    severity: 'error',
    message: `allow rule ${rule.name} can never match: ${problem}`,
  };
}

function neverProblem(
  validity: Validity,
  schedule: Schedule | undefined,
): string | undefined {
  const { from, until, timezone } = validity;
  if (from === null || until === null) return undefined;
  // The loader orders two dates or two instants; a mix needs the zone.
  const first = localDate(from, timezone);
  const last = localDate(until, timezone);
  if (first > last) {
    return `valid from ${from.text} is after until ${until.text} in ${timezone}`;
  }
  if (schedule === undefined) return undefined;
  const days = datesBetween(first, last);
  const open = eventDays(schedule);
  if (days === null || days.some((day) => open.has(weekdayOf(day)))) {
    return undefined;
  }
  const named = days.map((day) => WEEKDAYS[weekdayOf(day)]).join(', ');
  return `its valid period holds only ${named}, and its schedule allows ${schedule.text}`;
}

function pastIssues(
  rule: AllowRuleDocument,
  at: LintIssue['at'],
  validity: Validity,
  now: number,
): LintIssue[] {
  const { until, timezone } = validity;
  if (until === null) return [];
  const over =
    until.kind === 'date'
      ? localTime(now, timezone).date > until.date
      : now > until.ms;
  if (!over) return [];
  return [
    {
      at,
      code: 'VIGIL_POLICY_UNTIL_PAST',
      severity: 'warning',
      message: `allow rule ${rule.name} ended at ${until.text}; it permits nothing from now on`,
    },
  ];
}

function localDate(bound: Bound, timezone: string): string {
  return bound.kind === 'date'
    ? bound.date
    : localTime(bound.ms, timezone).date;
}

/** Each date from `first` to `last`; null past a week (every day occurs). */
function datesBetween(first: string, last: string): string[] | null {
  const WEEK_DAYS = 7;
  const dates: string[] = [];
  for (let ms = Date.parse(first); dates.length < WEEK_DAYS; ms += MS_PER_DAY) {
    const date = new Date(ms).toISOString().slice(0, 10);
    if (date > last) return dates;
    dates.push(date);
  }
  return null;
}

/**
 * Local weekdays an allowed event can fall on: the schedule's days, and
 * for a window past midnight also the days after them.
 */
function eventDays(schedule: Schedule): Set<number> {
  const days = new Set(schedule.days);
  const overnight = schedule.hours && schedule.hours.end < schedule.hours.start;
  if (overnight) for (const day of schedule.days) days.add((day + 1) % 7);
  return days;
}

/** 0 = Monday, for a YYYY-MM-DD date. */
function weekdayOf(date: string): number {
  return localTime(Date.parse(`${date}T12:00:00Z`), 'UTC').weekday;
}
