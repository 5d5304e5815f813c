import { ACCESS_ACTIONS } from '../../protocol/event.js';
import type { LintIssue } from './lint-issue.js';
import type { PolicyDocument, RuleDocument } from './types.js';

/**
 * Allow rules that can never permit anything because a deny rule of the
 * same policy matches every event they match (deny decides, DESIGN 7).
 * Sound, not complete: a deny rule shadows an allow rule when each of its
 * conditions is implied by the same condition of the allow rule.
 */
export function shadowIssues(doc: PolicyDocument): LintIssue[] {
  const denies = doc.deny ?? [];
  return (doc.allow ?? []).flatMap((allow, i) => {
    const deny = denies.find((rule) => covers(rule, allow));
    if (deny === undefined) return [];
    return [
      {
        at: ['allow', i],
        code: 'VIGIL_POLICY_RULE_SHADOWED',
        severity: 'warning',
        message:
          `allow rule ${allow.name} can never permit anything: deny rule ` +
          `${deny.name} matches every event it matches, and deny decides`,
      },
    ];
  });
}

const OUTCOMES = ['success', 'denied', 'failed'];

/** True when `deny` matches every event `allow` matches. */
function covers(deny: RuleDocument, allow: RuleDocument): boolean {
  // An absent list means "any". Actions and outcomes are closed sets, so a
  // deny list naming all of them covers it; users, groups and processes
  // are open, so only an absent list on the deny side does. Group and
  // process lists match when any entry does: a subset implies the larger.
  return (
    subset(allow.actions ?? ACCESS_ACTIONS, deny.actions) &&
    subset(allow.outcome ?? OUTCOMES, deny.outcome) &&
    subset(allow.users, deny.users) &&
    subset(allow.groups, deny.groups) &&
    subset(allow.processes, deny.processes)
  );
}

function subset(
  inner: readonly string[] | undefined,
  outer: readonly string[] | undefined,
): boolean {
  if (outer === undefined) return true;
  if (inner === undefined) return false;
  const wide = new Set(outer);
  return inner.every((value) => wide.has(value));
}
