export { POLICY_ERROR_CODES, PolicyError } from './errors.js';
export type { PolicyErrorCode, PolicyErrorSource } from './errors.js';
export { PolicySet } from './policy-set.js';
export { readEventFile } from './event-file.js';
export type { Explanation } from './explain.js';
export { parsePolicyTests, runPolicyTests } from './policy-tests.js';
export type { PolicyTestCase, PolicyTestResult } from './policy-tests.js';
export { SEVERITIES } from './types.js';
export type { PolicySummary, Severity, ViolationDraft } from './types.js';
export { explainEvent } from './explain.js';
export {
  hasErrors,
  lintPolicyDocuments,
  lintPolicyFiles,
  POLICY_LINT_CODES,
} from './lint.js';
export type {
  LintCode,
  LintFinding,
  LintOptions,
  LintReport,
  LintSeverity,
  PolicyLintCode,
} from './lint.js';
export { runPolicyTestFiles } from './test-files.js';
export type { PolicyTestFileReport } from './test-files.js';
export { MemoryLimitCounter } from './limit-counter.js';
export type { LimitCounter, LimitSlot } from './limit-counter.js';
export { StoreLimitCounter } from './store-limit-counter.js';
export { replayPolicies } from './replay.js';
export type {
  ReplayedViolation,
  ReplayReport,
  ReplaySource,
} from './replay.js';
