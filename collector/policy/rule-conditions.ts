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
  /** The rule key it checks, for `vigil policy explain`. */
  readonly field: ConditionField;
  /** The values it accepts, e.g. "read, write". */
  readonly wants: string;
  /** The event's value it compares, e.g. "delete" or "no user". */
  got(ctx: EventContext): string;
}

export type ConditionField =
  | 'actions'
  | 'outcome'
  | 'users'
  | 'groups'
  | 'processes'
  | 'valid'
  | 'schedule';

const NO_USER = ' (no user was attributed)';
const NOBODY = 'no user';

/** One bit per action named by a policy (the schema admits ten). */
const ACTION_BITS = new Map<string, number>();

// A mask in the closure, and one small map every rule shares, keep the
// test in the CPU cache when a thousand policies each list their actions.
function actionMask(actions: readonly string[]): number {
  let mask = 0;
  for (const action of actions) {
    let bit = ACTION_BITS.get(action);
    if (bit === undefined) {
      bit = 1 << ACTION_BITS.size;
      ACTION_BITS.set(action, bit);
    }
    mask |= bit;
  }
  return mask;
}

export function actionsCondition(actions: readonly string[]): Condition {
  const mask = actionMask(actions);
  return {
    test: (ctx) => (mask & (ACTION_BITS.get(ctx.event.action) ?? 0)) !== 0,
    explain: () => `covers only ${orList(actions)}`,
    field: 'actions',
    wants: actions.join(', '),
    got: (ctx) => ctx.event.action,
  };
}

export function outcomeCondition(outcomes: readonly string[]): Condition {
  const set = new Set(outcomes);
  return {
    test: (ctx) => set.has(ctx.event.outcome),
    explain: () => `applies only to outcome ${orList(outcomes)}`,
    field: 'outcome',
    wants: outcomes.join(', '),
    got: (ctx) => ctx.event.outcome,
  };
}

export function usersCondition(users: readonly string[]): Condition {
  const set = new Set(users);
  return {
    test: (ctx) => ctx.person !== null && set.has(ctx.person),
    explain: (ctx) =>
      `needs user ${orList(users)}${ctx.person === null ? NO_USER : ''}`,
    matched: (ctx) => `user ${ctx.person ?? ''}`,
    field: 'users',
    wants: users.join(', '),
    got: (ctx) => ctx.person ?? NOBODY,
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
    field: 'groups',
    wants: groups.join(', '),
    got: (ctx) =>
      ctx.groups === null ? NOBODY : ctx.groups.join(', ') || 'no groups',
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
    field: 'processes',
    wants: globs.join(', '),
    got: (ctx) => ctx.exe ?? 'no process',
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
    field: 'schedule',
    wants: schedule.text,
    got: (ctx) => localLabel(ctx, schedule.timezone),
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
    field: 'valid',
    wants: validityText(validity).replace(/^valid /, ''),
    got: (ctx) => localLabel(ctx, validity.timezone),
  };
}

function whenText(ctx: EventContext, timezone: string): string {
  const local = ctx.local(timezone);
  return local === null
    ? `the event time ${JSON.stringify(ctx.event.time)} is not readable`
    : `it was ${local.label}`;
}

/** "Sat 2025-03-01 23:14 Asia/Shanghai", or why there is no reading. */
function localLabel(ctx: EventContext, timezone: string): string {
  const local = ctx.local(timezone);
  return local === null
    ? `unreadable time ${JSON.stringify(ctx.event.time)}`
    : `${local.label} ${timezone}`;
}
