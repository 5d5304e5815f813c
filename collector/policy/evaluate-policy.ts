import type { CompiledPolicy, CompiledRule } from './compiled-policy.js';
import {
  actionText,
  actorText,
  type EventContext,
  namesText,
} from './event-context.js';
import type { ViolationDraft } from './types.js';

/** Allow rules explained in one default-deny reason before the list is cut. */
const RULES_EXPLAINED_MAX = 5;

/**
 * Applies one in-scope policy to an event, in DESIGN section 7's order:
 * (1) each matching deny rule is a violation at its own severity (else the
 * policy's), and decides; (2) otherwise, when no allow rule matches, one
 * 'default-deny' violation at the policy's severity. An allow rule never
 * cancels a deny, and a denied access is not reported twice by one policy.
 */
export function evaluatePolicy(
  policy: CompiledPolicy,
  ctx: EventContext,
): ViolationDraft[] {
  const drafts: ViolationDraft[] = [];
  for (const rule of policy.deny) {
    if (ruleMatches(rule, ctx)) drafts.push(denyDraft(policy, rule, ctx));
  }
  if (drafts.length > 0) return drafts;
  if (!anyMatches(policy.allow, ctx)) {
    drafts.push(defaultDenyDraft(policy, ctx));
  }
  return drafts;
}

function anyMatches(rules: CompiledRule[], ctx: EventContext): boolean {
  for (const rule of rules) {
    if (ruleMatches(rule, ctx)) return true;
  }
  return false;
}

function ruleMatches(rule: CompiledRule, ctx: EventContext): boolean {
  for (const condition of rule.conditions) {
    if (!condition.test(ctx)) return false;
  }
  return true;
}

/** "deny rule no-deletes forbids delete (vigil-analyst, /srv/x/a.csv)". */
function denyDraft(
  policy: CompiledPolicy,
  rule: CompiledRule,
  ctx: EventContext,
): ViolationDraft {
  const by = rule.conditions
    .map((condition) => condition.matched?.(ctx))
    .filter((text) => text !== undefined);
  const who = ctx.person ?? 'unattributed user';
  const reason =
    `deny rule ${rule.name} forbids ${actionText(ctx.event)}` +
    (by.length > 0 ? ` by ${by.join(', ')}` : '') +
    ` (${who}, ${namesText(ctx.event)})`;
  return draft(policy, rule.name, 'deny', rule.severity, reason);
}

/**
 * "default-deny: no allow rule of policy customer-records permits read by
 * vigil-intern (groups: vigil-intern); rule analysts-read needs group
 * analysts".
 */
function defaultDenyDraft(
  policy: CompiledPolicy,
  ctx: EventContext,
): ViolationDraft {
  const head =
    `default-deny: no allow rule of policy ${policy.id} permits ` +
    `${actionText(ctx.event)} by ${actorText(ctx)}`;
  const why = policy.allow
    .slice(0, RULES_EXPLAINED_MAX)
    .map((rule) => `rule ${rule.name} ${failedConditions(rule, ctx)}`);
  const rest = policy.allow.length - RULES_EXPLAINED_MAX;
  if (rest > 0) why.push(`and ${rest} more allow rules`);
  if (policy.allow.length === 0) why.push('the policy has no allow rules');
  const reason = [head, ...why].join('; ');
  return draft(policy, 'default-deny', 'default-deny', undefined, reason);
}

function failedConditions(rule: CompiledRule, ctx: EventContext): string {
  return rule.conditions
    .filter((condition) => !condition.test(ctx))
    .map((condition) => condition.explain(ctx))
    .join(', ');
}

/** A violation of `policy` with its hash and compliance tags. */
export function draft(
  policy: CompiledPolicy,
  rule: string,
  kind: ViolationDraft['kind'],
  severity: ViolationDraft['severity'] | undefined,
  reason: string,
): ViolationDraft {
  return {
    policy: policy.id,
    rule,
    kind,
    severity: severity ?? policy.severity,
    reason,
    policyHash: policy.hash,
    compliance: [...policy.compliance],
  };
}
