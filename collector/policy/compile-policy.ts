import type {
  CompiledLimit,
  CompiledPolicy,
  CompiledRule,
} from './compiled-policy.js';
import { PolicyError, type PolicyErrorCode } from './errors.js';
import { compileGlobs, globProblem, type GlobPlace } from './glob-rules.js';
import { LIMIT_WINDOW_MAX_MS, windowMs } from './limits.js';
import { canonicalTimezone } from './local-time.js';
import * as when from './rule-conditions.js';
import { buildSchedule, hoursProblem, type Schedule } from './schedule.js';
import type {
  AllowRuleDocument,
  DenyRuleDocument,
  LimitDocument,
  PolicyDocument,
  RuleDocument,
  ScheduleDocument,
} from './types.js';
import { boundProblem, buildValidity, orderProblem } from './validity.js';
import { type FieldPath, fieldName, type YamlSource } from './yaml-source.js';

/** Zone of `valid` dates when the rule has no schedule. */
const DEFAULT_VALIDITY_TIMEZONE = 'UTC';

type Fail = (code: PolicyErrorCode, problem: string, at: FieldPath) => never;

/**
 * Checks what the schema cannot (glob safety, timezones, dates, rule
 * names) and compiles every glob and rule once.
 */
export function compilePolicy(
  doc: PolicyDocument,
  source: YamlSource,
  hash: string,
): CompiledPolicy {
  const fail: Fail = (code, problem, at) => {
    const field = fieldName(at);
    const line = source.lineOf(at);
    throw new PolicyError(code, problem, { file: source.file, field, line });
  };
  checkGlobs(doc.paths, 'absolute', ['paths'], fail);
  checkGlobs(doc.except ?? [], 'except', ['except'], fail);
  checkRuleNames(doc, fail);
  return {
    id: doc.id,
    hash,
    file: source.file,
    severity: doc.severity,
    compliance: doc.compliance ?? [],
    paths: doc.paths,
    pathMatchers: doc.paths.map((glob) => compileGlobs([glob])),
    except: doc.except?.length ? compileGlobs(doc.except) : null,
    exceptGlobs: doc.except ?? [],
    vendors: doc.vendors ? new Set(doc.vendors) : null,
    allow: (doc.allow ?? []).map((r, i) => allowRule(r, ['allow', i], fail)),
    deny: (doc.deny ?? []).map((r, i) => denyRule(r, ['deny', i], fail)),
    limits: (doc.limits ?? []).map((l, i) =>
      limit(l, doc, ['limits', i], fail),
    ),
  };
}

function checkGlobs(
  globs: readonly string[],
  place: GlobPlace,
  at: FieldPath,
  fail: Fail,
): void {
  globs.forEach((glob, i) => {
    const problem = globProblem(glob, place);
    if (problem !== undefined) {
      fail('VIGIL_POLICY_GLOB_INVALID', `glob ${problem}`, [...at, i]);
    }
  });
}

/** Violations name their rule, so a name means one rule per policy. */
function checkRuleNames(doc: PolicyDocument, fail: Fail): void {
  const seen = new Set<string>();
  const lists = { allow: doc.allow, deny: doc.deny, limits: doc.limits };
  for (const [key, rules] of Object.entries(lists)) {
    (rules ?? []).forEach((rule, i) => {
      if (seen.has(rule.name)) {
        fail(
          'VIGIL_POLICY_DUPLICATE_RULE',
          `rule name ${JSON.stringify(rule.name)} is used twice in this policy`,
          [key, i, 'name'],
        );
      }
      seen.add(rule.name);
    });
  }
}

function commonConditions(
  rule: RuleDocument,
  at: FieldPath,
  fail: Fail,
): when.Condition[] {
  const conditions: when.Condition[] = [];
  if (rule.actions) conditions.push(when.actionsCondition(rule.actions));
  if (rule.outcome) conditions.push(when.outcomeCondition(rule.outcome));
  if (rule.users) conditions.push(when.usersCondition(rule.users));
  if (rule.groups) conditions.push(when.groupsCondition(rule.groups));
  if (rule.processes) {
    checkGlobs(rule.processes, 'absolute', [...at, 'processes'], fail);
    const matches = compileGlobs(rule.processes);
    conditions.push(when.processesCondition(rule.processes, matches));
  }
  return conditions;
}

function allowRule(
  rule: AllowRuleDocument,
  at: FieldPath,
  fail: Fail,
): CompiledRule {
  const conditions = commonConditions(rule, at, fail);
  const schedule =
    rule.schedule && checkedSchedule(rule.schedule, [...at, 'schedule'], fail);
  if (rule.valid) {
    checkValid(rule.valid, [...at, 'valid'], fail);
    const zone = schedule?.timezone ?? DEFAULT_VALIDITY_TIMEZONE;
    conditions.push(when.validityCondition(buildValidity(rule.valid, zone)));
  }
  // Time checks go last: they cost the most to test.
  if (schedule) conditions.push(when.scheduleCondition(schedule));
  return { name: rule.name, conditions };
}

function checkedSchedule(
  doc: ScheduleDocument,
  at: FieldPath,
  fail: Fail,
): Schedule {
  const zone = canonicalTimezone(doc.timezone);
  if (zone === undefined) {
    const problem = `unknown IANA timezone ${JSON.stringify(doc.timezone)}`;
    fail('VIGIL_POLICY_TIMEZONE_UNKNOWN', problem, [...at, 'timezone']);
  }
  const problem = doc.hours === undefined ? undefined : hoursProblem(doc.hours);
  if (problem !== undefined) {
    fail('VIGIL_POLICY_TIME_INVALID', problem, [...at, 'hours']);
  }
  return buildSchedule(doc, zone);
}

function checkValid(
  valid: NonNullable<AllowRuleDocument['valid']>,
  at: FieldPath,
  fail: Fail,
): void {
  for (const key of ['from', 'until'] as const) {
    const text = valid[key];
    const problem = text === undefined ? undefined : boundProblem(text);
    if (problem) fail('VIGIL_POLICY_TIME_INVALID', problem, [...at, key]);
  }
  const order = orderProblem(valid);
  if (order) fail('VIGIL_POLICY_TIME_INVALID', order, [...at, 'from']);
}

function denyRule(
  rule: DenyRuleDocument,
  at: FieldPath,
  fail: Fail,
): CompiledRule {
  const conditions = commonConditions(rule, at, fail);
  return { name: rule.name, severity: rule.severity, conditions };
}

function limit(
  doc: LimitDocument,
  policy: PolicyDocument,
  at: FieldPath,
  fail: Fail,
): CompiledLimit {
  const ms = windowMs(doc.window);
  if (!(ms <= LIMIT_WINDOW_MAX_MS)) {
    fail(
      'VIGIL_POLICY_TIME_INVALID',
      `window ${JSON.stringify(doc.window)} is longer than 7d`,
      [...at, 'window'],
    );
  }
  return {
    name: doc.name,
    actions: doc.actions ? new Set(doc.actions) : null,
    max: doc.max,
    window: doc.window,
    windowMs: ms,
    per: doc.per,
    severity: doc.severity ?? policy.severity,
  };
}
