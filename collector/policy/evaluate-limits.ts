import type { CompiledLimit, CompiledPolicy } from './compiled-policy.js';
import { draft } from './evaluate-policy.js';
import type { EventContext } from './event-context.js';
import type { LimitCounter, LimitSlot } from './limit-counter.js';
import type { ViolationDraft } from './types.js';

/**
 * One limit an event is to be counted against, found without a counter:
 * the policy and limit by index in their set, the key, the event time and
 * the words that name the key in a reason. Plain data, so it can be found
 * where a batch is opened (a worker thread) and counted where the store is.
 */
export interface PendingLimit {
  /** Index of the policy in its PolicySet. */
  policy: number;
  /** Index of the limit in the policy's `limits`. */
  limit: number;
  key: string;
  /** Event time in ms. */
  ms: number;
  /** "by vigil-intern", "on agent a-1": who the count is of. */
  by: string;
}

/**
 * The limits of `policy` (at index `owner` of its set) that an in-scope
 * event is counted against (DESIGN section 7, rule 3): each whose actions
 * it matches, whatever its outcome and whatever the allow and deny rules
 * decided. An event whose key is unknown (no person for `per: user`, no
 * process for `per: process`) or whose time is unreadable is not counted.
 */
export function pendingLimits(
  policy: CompiledPolicy,
  owner: number,
  ctx: EventContext,
): PendingLimit[] {
  const pending: PendingLimit[] = [];
  if (policy.limits.length === 0 || Number.isNaN(ctx.ms)) return pending;
  policy.limits.forEach((limit, index) => {
    if (limit.actions?.has(ctx.event.action) === false) return;
    const key = limitKey(limit, ctx);
    if (key === null) return;
    const by = byText(limit, ctx);
    pending.push({ policy: owner, limit: index, key, ms: ctx.ms, by });
  });
  return pending;
}

/**
 * Counts one pending limit. When the count in the window ending at the
 * event passes `max`, the event is flagged, unless the same limit and key
 * were flagged less than one window away: at most one violation per key in
 * any span of one window.
 */
export function countLimit(
  policy: CompiledPolicy,
  pending: PendingLimit,
  counter: LimitCounter,
): ViolationDraft | undefined {
  const limit = policy.limits[pending.limit];
  if (limit === undefined) return undefined;
  const { key, ms } = pending;
  const slot: LimitSlot = { policy: policy.id, limit: limit.name, key };
  const count = counter.hit(slot, ms, limit.windowMs);
  if (count <= limit.max) return undefined;
  if (counter.flaggedNear(slot, ms, limit.windowMs) !== undefined) {
    return undefined;
  }
  counter.flag(slot, ms, limit.windowMs);
  const reason =
    `${limit.name}: ${count} ${countedText(limit)} ${pending.by} within ` +
    `${limit.window}, limit ${limit.max}`;
  return draft(policy, limit.name, 'limit', limit.severity, reason);
}

/**
 * What a limit counts per. A person is the same login at one vendor, so
 * reads spread over a vendor's machines add up; a program and an agent
 * are counted on their own agent.
 */
function limitKey(limit: CompiledLimit, ctx: EventContext): string | null {
  const { agent } = ctx.event;
  switch (limit.per) {
    case 'user':
      return ctx.person === null
        ? null
        : JSON.stringify(['user', agent.vendor, ctx.person]);
    case 'process':
      return ctx.exe === null
        ? null
        : JSON.stringify(['process', agent.id, ctx.exe]);
    case 'agent':
      return JSON.stringify(['agent', agent.id]);
  }
}

/** The key in a reason: "by vigil-intern", "on agent a-1". */
function byText(limit: CompiledLimit, ctx: EventContext): string {
  const { agent } = ctx.event;
  switch (limit.per) {
    case 'user':
      return `by ${ctx.person ?? ''}`;
    case 'process':
      return `by process ${ctx.exe ?? ''} on agent ${agent.id}`;
    case 'agent':
      return `on agent ${agent.id}`;
  }
}

/** "reads", or "accesses (read, write)", or "accesses" for every action. */
function countedText(limit: CompiledLimit): string {
  const actions = limit.actions === null ? [] : [...limit.actions];
  const [only] = actions;
  if (actions.length === 1 && only !== undefined) return `${only}s`;
  return actions.length === 0 ? 'accesses' : `accesses (${actions.join(', ')})`;
}
