import type { AccessEvent } from '../../protocol/event.js';
import type { CompiledPolicy, CompiledRule } from './compiled-policy.js';
import { evaluatePolicy } from './evaluate-policy.js';
import { EventContext } from './event-context.js';
import { compileGlobs } from './glob-rules.js';
import type {
  Explanation,
  NameScope,
  PolicyExplanation,
  RuleExplanation,
  VendorScope,
} from './explanation.js';
import type { Severity, ViolationDraft } from './types.js';

export type * from './explanation.js';

/**
 * Explains an event against compiled policies: scope of every policy,
 * every condition of every rule of the policies in scope, and the
 * decision. The violations come from the evaluator itself, so the
 * explanation cannot disagree with `evaluate`. Pure: no I/O.
 */
export function explainEvent(
  policies: readonly CompiledPolicy[],
  event: AccessEvent,
): Explanation {
  if (event.source === 'agent') {
    return {
      event,
      evaluated: false,
      policies: [],
      decision: 'allow',
      violations: [],
    };
  }
  const ctx = new EventContext(event);
  const explained = policies.map((policy) => explainPolicy(policy, ctx));
  const violations = explained.flatMap((policy) => policy.violations);
  const decision = violations.length > 0 ? 'violation' : 'allow';
  return { event, evaluated: true, policies: explained, decision, violations };
}

function explainPolicy(
  policy: CompiledPolicy,
  ctx: EventContext,
): PolicyExplanation {
  const vendor = ctx.event.agent.vendor;
  const vendorScope: VendorScope = {
    vendors: policy.vendors === null ? null : [...policy.vendors],
    vendor,
    matched: policy.vendors?.has(vendor) ?? true,
  };
  const names = nameScopes(policy, ctx.event);
  const inScope = vendorScope.matched && names.some((name) => name.inScope);
  const base = {
    id: policy.id,
    file: policy.file,
    hash: policy.hash,
    inScope,
    vendor: vendorScope,
    names,
    limits: policy.limits.map((limit) => limit.name),
  };
  if (!inScope) {
    const verdict = 'out-of-scope';
    return {
      ...base,
      deny: [],
      allow: [],
      verdict,
      decidedBy: [],
      violations: [],
    };
  }
  const deny = policy.deny.map((rule) =>
    explainRule(rule, 'deny', ctx, rule.severity ?? policy.severity),
  );
  const allow = policy.allow.map((rule) => explainRule(rule, 'allow', ctx));
  const violations = evaluatePolicy(policy, ctx);
  return { ...base, deny, allow, violations, ...verdictOf(allow, violations) };
}

function nameScopes(policy: CompiledPolicy, event: AccessEvent): NameScope[] {
  const excepts = policy.exceptGlobs.map((glob) => compileGlobs([glob]));
  const named: [NameScope['role'], string | undefined][] = [
    ['path', event.path],
    ['target', event.target],
  ];
  return named.flatMap(([role, name]) => {
    if (name === undefined) return [];
    const paths = policy.paths.map((glob, i) => ({
      glob,
      matched: policy.pathMatchers[i]?.(name) ?? false,
    }));
    const except = policy.exceptGlobs.map((glob, i) => ({
      glob,
      matched: excepts[i]?.(name) ?? false,
    }));
    const inScope =
      paths.some((check) => check.matched) &&
      !except.some((check) => check.matched);
    return [{ role, name, paths, except, inScope }];
  });
}

/** Tests every condition, not only up to the first that fails. */
function explainRule(
  rule: CompiledRule,
  kind: RuleExplanation['kind'],
  ctx: EventContext,
  severity?: Severity,
): RuleExplanation {
  const conditions = rule.conditions.map((condition) => ({
    field: condition.field,
    wants: condition.wants,
    got: condition.got(ctx),
    matched: condition.test(ctx),
  }));
  const matched = conditions.every((condition) => condition.matched);
  return { name: rule.name, kind, severity, matched, conditions };
}

function verdictOf(
  allow: RuleExplanation[],
  violations: ViolationDraft[],
): Pick<PolicyExplanation, 'verdict' | 'decidedBy'> {
  const [first] = violations;
  if (first === undefined) {
    const permitting = allow.find((rule) => rule.matched);
    return {
      verdict: 'allowed',
      decidedBy: permitting ? [permitting.name] : [],
    };
  }
  return {
    verdict: first.kind === 'deny' ? 'denied' : 'default-deny',
    decidedBy: violations.map((violation) => violation.rule),
  };
}
