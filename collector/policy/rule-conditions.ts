import { type EventContext, orList } from './event-context.js';
import type { Matcher } from './glob-rules.js';
import { inSchedule, nightNote, type Schedule } from './schedule.js';
import { inValidity, type Validity, validityText } from './validity.js';

/** One condition of a rule; a rule matches when all of its conditions do. */
export interface Condition {
  test(ctx: EventContext): boolean;
  /** Why the event fails it, e.g. "needs group analysts". */
  explain(ctx: EventContext): string;
  /** What it matched, for deny reasons, e.g. "group contractors". */
  matched?(ctx: EventContext): string;
}

const NO_USER = ' (no user was attributed)';

export function actionsCondition(actions: readonly string[]): Condition {
  const set = new Set(actions);
  return {
    test: (ctx) => set.has(ctx.event.action),
    explain: () => `covers only ${orList(actions)}`,
  };
}

export function outcomeCondition(outcomes: readonly string[]): Condition {
  const set = new Set(outcomes);
  return {
    test: (ctx) => set.has(ctx.event.outcome),
    explain: () => `applies only to outcome ${orList(outcomes)}`,
  };
}

export function usersCondition(users: readonly string[]): Condition {
  const set = new Set(users);
  return {
    test: (ctx) => ctx.person !== null && set.has(ctx.person),
    explain: (ctx) =>
      `needs user ${orList(users)}${ctx.person === null ? NO_USER : ''}`,
    matched: (ctx) => `user ${ctx.person ?? ''}`,
  };
}

export function groupsCondition(groups: readonly string[]): Condition {
  const firstHeld = (ctx: EventContext): string | undefined =>
    groups.find((group) => ctx.groups?.includes(group) === true);
  return {
    test: (ctx) => firstHeld(ctx) !== undefined,
    explain: (ctx) =>
      `needs group ${orList(groups)}${ctx.groups === null ? NO_USER : ''}`,
    matched: (ctx) => `group ${firstHeld(ctx) ?? ''}`,
  };
}

/** `globs` as written, `matches` their compiled form. */
export function processesCondition(
  globs: readonly string[],
  matches: Matcher,
): Condition {
  return {
    test: (ctx) => ctx.exe !== null && matches(ctx.exe),
    explain: (ctx) =>
      `needs process ${orList(globs)} (${ctx.exe === null ? 'no process was attributed' : `it was ${ctx.exe}`})`,
    matched: (ctx) => `process ${ctx.exe ?? ''}`,
  };
}

export function scheduleCondition(schedule: Schedule): Condition {
  return {
    test: (ctx) => {
      const local = ctx.local(schedule.timezone);
      return local !== null && inSchedule(schedule, local);
    },
    explain: (ctx) => {
      const local = ctx.local(schedule.timezone);
      const night = local === null ? '' : nightNote(schedule, local);
      return `allows ${schedule.text} (${whenText(ctx, schedule.timezone)}${night})`;
    },
  };
}

export function validityCondition(validity: Validity): Condition {
  return {
    test: (ctx) => {
      const local = ctx.local(validity.timezone);
      return local !== null && inValidity(validity, ctx.ms, local);
    },
    explain: (ctx) =>
      `is ${validityText(validity)} (${whenText(ctx, validity.timezone)})`,
  };
}

function whenText(ctx: EventContext, timezone: string): string {
  const local = ctx.local(timezone);
  return local === null
    ? `the event time ${JSON.stringify(ctx.event.time)} is not readable`
    : `it was ${local.label}`;
}
