import type { PolicyErrorCode } from './errors.js';
import type { FieldPath } from './yaml-source.js';

/** Codes of the meaning checks of `vigil policy lint`. */
export const POLICY_LINT_CODES = [
  'VIGIL_POLICY_GLOB_EXCEPTED',
  'VIGIL_POLICY_GLOB_OUTSIDE_ROOTS',
  'VIGIL_POLICY_RULE_NEVER_MATCHES',
  'VIGIL_POLICY_RULE_SHADOWED',
  'VIGIL_POLICY_UNTIL_PAST',
  'VIGIL_POLICY_USER_UNSET',
] as const;

export type PolicyLintCode = (typeof POLICY_LINT_CODES)[number];

/** A finding's code: a loader error's, or a meaning check's. */
export type LintCode = PolicyErrorCode | PolicyLintCode;

/** error: the policy is wrong (lint exits 1); warning: likely a mistake. */
export type LintSeverity = 'error' | 'warning';

/** One meaning check's finding, before it is placed in its file. */
export interface LintIssue {
  at: FieldPath;
  code: PolicyLintCode;
  severity: LintSeverity;
  message: string;
}
