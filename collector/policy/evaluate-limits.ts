import type { CompiledLimit, CompiledPolicy } from './compiled-policy.js';
import { draft } from './evaluate-policy.js';
import type { EventContext } from './event-context.js';
import type { LimitCounter, LimitSlot } from './limit-counter.js';
import type { ViolationDraft } from './types.js';

/**
 * Counts an in-scope event against each limit of `policy` whose actions it
 * matches (DESIGN section 7, rule 3), whatever its outcome and whatever the
 * allow and deny rules decided. When the count in the window ending at the
 * event passes `max`, the event is flagged, unless the same limit and key
 * were flagged less than one window away: at most one violation per key
 * in any span of one window. An event whose key is unknown (no person for
 * `per: user`, no process for `per: process`) is not counted.
 */
export function evaluateLimits(
  policy: CompiledPolicy,
  ctx: EventContext,
  counter: LimitCounter,
): ViolationDraft[] {
  const drafts: ViolationDraft[] = [];
  if (policy.limits.length === 0 || Number.isNaN(ctx.ms)) return drafts;
  for (const limit of policy.limits) {
    if (limit.actions?.has(ctx.event.action) === false) continue;
    const key = limitKey(limit, ctx);
    if (key === null) continue;
    const slot: LimitSlot = { policy: policy.id, limit: limit.name, key };
    const count = counter.hit(slot, ctx.ms, limit.windowMs);
    if (count <= limit.max) continue;
    if (counter.flaggedNear(slot, ctx.ms, limit.windowMs) !== undefined) {
      continue;
    }
    counter.flag(slot, ctx.ms, limit.windowMs);
    const reason = limitReason(limit, ctx, count);
    drafts.push(draft(policy, limit.name, 'limit', limit.severity, reason));
  }
  return drafts;
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

/** "bulk-read: 501 reads by vigil-intern within 10m, limit 500". */
function limitReason(
  limit: CompiledLimit,
  ctx: EventContext,
  count: number,
): string {
  const { agent } = ctx.event;
  const by = {
    user: `by ${ctx.person ?? ''}`,
    process: `by process ${ctx.exe ?? ''} on agent ${agent.id}`,
    agent: `on agent ${agent.id}`,
  }[limit.per];
  return (
    `${limit.name}: ${count} ${countedText(limit)} ${by} within ` +
    `${limit.window}, limit ${limit.max}`
  );
}

/** "reads", or "accesses (read, write)", or "accesses" for every action. */
function countedText(limit: CompiledLimit): string {
  const actions = limit.actions === null ? [] : [...limit.actions];
  const [only] = actions;
  if (actions.length === 1 && only !== undefined) return `${only}s`;
  return actions.length === 0 ? 'accesses' : `accesses (${actions.join(', ')})`;
}
