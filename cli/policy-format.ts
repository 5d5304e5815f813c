import type {
  Explanation,
  NameScope,
  PolicyExplanation,
  RuleExplanation,
} from '../collector/policy/explain.js';
import type { LintFinding, LintReport } from '../collector/policy/lint.js';
import type { PolicyTestResult } from '../collector/policy/policy-tests.js';
import type { PolicyTestFileReport } from '../collector/policy/test-files.js';
import type { ViolationDraft } from '../collector/policy/types.js';
import type { AccessEvent } from '../protocol/event.js';

/** `policies/a.yaml:12: warning CODE allow[0]: message`. */
export function formatLintFinding(finding: LintFinding): string {
  const where =
    finding.line === undefined
      ? finding.file
      : `${finding.file}:${finding.line}`;
  const field = finding.field === undefined ? '' : ` ${finding.field}:`;
  return `${where}: ${finding.severity} ${finding.code}${field} ${finding.message}`;
}

/** "2 errors, 1 warning in 3 files", or "no problems in 3 files". */
export function formatLintSummary(report: LintReport): string {
  const count = (severity: LintFinding['severity']): number =>
    report.findings.filter((f) => f.severity === severity).length;
  const files = plural(report.files.length, 'file');
  if (report.findings.length === 0) return `no problems in ${files}`;
  const errors = plural(count('error'), 'error');
  return `${errors}, ${plural(count('warning'), 'warning')} in ${files}`;
}

/** A failed case: where, its name, what was expected and what it got. */
export function formatTestFailure(
  report: PolicyTestFileReport,
  result: PolicyTestResult,
): string {
  const { line, name } = result.case;
  const where = line === undefined ? report.file : `${report.file}:${line}`;
  const got =
    result.violations.length === 0
      ? ['    got: allow (no violation)']
      : result.violations.map((v) => `    got: ${violationText(v)}`);
  return [`FAIL ${where} ${name}`, `    ${result.detail ?? ''}`, ...got].join(
    '\n',
  );
}

/** "12 passed, 1 failed". */
export function formatTestSummary(reports: PolicyTestFileReport[]): string {
  const results = reports.flatMap((report) => report.results);
  const passed = results.filter((result) => result.passed).length;
  return `${passed} passed, ${results.length - passed} failed`;
}

/** The explanation as indented text, one policy after another. */
export function formatExplanation(explanation: Explanation): string {
  const lines = [`event: ${eventText(explanation.event)}`];
  if (!explanation.evaluated) {
    lines.push('meta events (source agent) are never evaluated', '');
    lines.push('decision: allow (not evaluated)');
    return lines.join('\n');
  }
  for (const policy of explanation.policies) {
    lines.push('', ...policyLines(policy));
  }
  if (explanation.policies.length === 0) lines.push('', 'no policies loaded');
  lines.push('', `decision: ${explanation.decision}`);
  for (const violation of explanation.violations) {
    lines.push(`  ${violationText(violation)}`);
  }
  return lines.join('\n');
}

function policyLines(policy: PolicyExplanation): string[] {
  const scope = policy.inScope ? 'in scope' : 'out of scope';
  const { vendors, vendor, matched } = policy.vendor;
  const wanted = vendors === null ? 'every vendor' : `${vendors.join(', ')}`;
  const lines = [
    `policy ${policy.id} (${policy.file}): ${scope}`,
    `  vendor ${vendor}: ${matched ? 'covered' : 'not covered'} (policy applies to ${wanted})`,
    ...policy.names.map((name) => `  ${nameText(name)}`),
  ];
  if (policy.names.length === 0) lines.push('  the event has no path');
  if (!policy.inScope) return lines;
  lines.push(...policy.deny.flatMap(ruleLines));
  if (policy.verdict === 'denied' && policy.allow.length > 0) {
    lines.push('  (a deny rule matched, so allow rules cannot permit this)');
  }
  lines.push(...policy.allow.flatMap(ruleLines));
  if (policy.limits.length > 0) {
    lines.push(
      `  limits (counted over many events, not for one): ${policy.limits.join(', ')}`,
    );
  }
  lines.push(`  verdict: ${verdictText(policy)}`);
  return lines;
}

function nameText(scope: NameScope): string {
  const head = `${scope.role} ${scope.name}:`;
  const paths = scope.paths.filter((c) => c.matched).map((c) => c.glob);
  const except = scope.except.filter((c) => c.matched).map((c) => c.glob);
  if (paths.length === 0) {
    const all = scope.paths.map((c) => c.glob).join(', ');
    return `${head} matches no paths glob (${all})`;
  }
  if (except.length > 0) {
    return `${head} matches ${paths.join(', ')} but is excepted by ${except.join(', ')}`;
  }
  return `${head} in scope, matches ${paths.join(', ')}`;
}

function ruleLines(rule: RuleExplanation): string[] {
  const severity = rule.severity === undefined ? '' : ` (${rule.severity})`;
  const head = `  ${rule.kind} ${rule.name}${severity}: ${rule.matched ? 'matches' : 'no match'}`;
  if (rule.conditions.length === 0) {
    return [head, '    no conditions: matches every event in scope'];
  }
  const conditions = rule.conditions.map(
    (c) =>
      `    [${c.matched ? 'yes' : 'no '}] ${c.field}: wants ${c.wants}; got ${c.got}`,
  );
  return [head, ...conditions];
}

function verdictText(policy: PolicyExplanation): string {
  switch (policy.verdict) {
    case 'allowed':
      return `allowed by ${policy.decidedBy.join(', ')}`;
    case 'denied':
      return `denied by ${policy.decidedBy.join(', ')}`;
    case 'default-deny':
      return 'default-deny: no allow rule matched';
    case 'out-of-scope':
      return 'out of scope';
  }
}

function eventText(event: AccessEvent): string {
  const who = event.user
    ? event.user.login === 'unset'
      ? event.user.name
      : event.user.login
    : 'no user';
  const how = event.process ? ` via ${event.process.exe}` : '';
  const names = event.target ? `${event.path} → ${event.target}` : event.path;
  return (
    `${event.action} (${event.outcome}) of ${names ?? '(no path)'} by ${who}${how}` +
    ` on ${event.agent.id} (vendor ${event.agent.vendor}) at ${event.time}`
  );
}

function violationText(v: ViolationDraft): string {
  return `${v.policy}/${v.rule} ${v.severity}: ${v.reason}`;
}

function plural(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? '' : 's'}`;
}
