import { Ajv } from 'ajv';
import { createRequire } from 'node:module';
import type { AccessEvent } from '../../protocol/event.js';
import { AUID_UNSET } from '../../protocol/event.js';
import { GENESIS_HASH } from '../../protocol/chain.js';
import eventSchema from '../../schemas/access-event.schema.json' with { type: 'json' };
import { PolicyError } from './errors.js';
import { MemoryLimitCounter } from './limit-counter.js';
import type { PolicySet } from './policy-set.js';
import type { ViolationDraft } from './types.js';
import { fieldName, parseYamlSource, type YamlSource } from './yaml-source.js';

/** One case of a `*.test.yaml` file. */
export interface PolicyTestCase {
  name: string;
  /** The case's partial event completed with the defaults below. */
  event: AccessEvent;
  expect: 'allow' | 'violation';
  /** With expect violation: a violation of this rule must be among them. */
  rule?: string;
  /** How many times the event happens, at the same instant (for limits). */
  repeat?: number;
  line?: number;
}

export interface PolicyTestResult {
  case: PolicyTestCase;
  passed: boolean;
  /** Over all repeats of the event, each rule of each policy once. */
  violations: ViolationDraft[];
  /** What went wrong, for a failed case. */
  detail?: string;
}

/** Most times one case may repeat its event: enough for any sane limit. */
const REPEAT_MAX = 100_000;

const caseSchema = {
  type: 'array',
  items: {
    type: 'object',
    additionalProperties: false,
    required: ['name', 'event', 'expect'],
    properties: {
      name: { type: 'string', minLength: 1, maxLength: 256 },
      event: { type: 'object' },
      expect: { enum: ['allow', 'violation'] },
      rule: { type: 'string', minLength: 1, maxLength: 128 },
      repeat: { type: 'integer', minimum: 1, maximum: REPEAT_MAX },
    },
  },
} as const;

const ajv = new Ajv({ allErrors: false });
// The event schema checks times with format date-time. ajv-formats is
// CommonJS: its plugin is the module's `default`.
(
  createRequire(import.meta.url)('ajv-formats') as typeof import('ajv-formats')
).default(ajv);
const validateCases = ajv.compile(caseSchema);
const validateEvent = ajv.compile<AccessEvent>(eventSchema);

/**
 * Parses a `*.test.yaml` file: a list of
 * `{ name, event, expect, rule?, repeat? }`.
 * An event needs at least `path`; the rest defaults to an audit `read`
 * that succeeded at 2026-03-04T03:15:00Z (a Wednesday) on agent
 * `agent-test` of vendor `acme`, with no user and no process. A partial
 * `user` or `process` is completed from its login or exe.
 */
export function parsePolicyTests(file: string, text: string): PolicyTestCase[] {
  const source = parseYamlSource(file, text, 'VIGIL_POLICY_TEST_INVALID');
  if (!validateCases(source.value)) {
    const error = validateCases.errors?.[0];
    const path = (error?.instancePath ?? '').split('/').slice(1);
    fail(source, path.map(numberish), error?.message ?? 'is not valid');
  }
  const raw = source.value as Record<string, unknown>[];
  return raw.map((item, i) => {
    const event = completeEvent(item.event as Record<string, unknown>);
    if (!validateEvent(event)) {
      const { at, problem } = eventProblem();
      fail(source, [i, 'event', ...at], problem);
    }
    return {
      name: String(item.name),
      event,
      expect: item.expect as PolicyTestCase['expect'],
      rule: item.rule === undefined ? undefined : String(item.rule),
      repeat: item.repeat === undefined ? undefined : Number(item.repeat),
      line: source.lineOf([i]),
    };
  });
}

/**
 * Runs each case through `set` and says which passed. Each case counts
 * limits afresh, so only its own repeats add up.
 */
export function runPolicyTests(
  set: PolicySet,
  cases: readonly PolicyTestCase[],
): PolicyTestResult[] {
  return cases.map((testCase) => {
    const violations = evaluateRepeated(set, testCase);
    const detail = mismatch(testCase, violations);
    return { case: testCase, passed: detail === undefined, violations, detail };
  });
}

function evaluateRepeated(
  set: PolicySet,
  testCase: PolicyTestCase,
): ViolationDraft[] {
  const counter = new MemoryLimitCounter();
  const seen = new Map<string, ViolationDraft>();
  for (let i = 0; i < (testCase.repeat ?? 1); i++) {
    for (const draft of set.evaluate(testCase.event, counter)) {
      const key = JSON.stringify([draft.policy, draft.rule]);
      if (!seen.has(key)) seen.set(key, draft);
    }
  }
  return [...seen.values()];
}

function mismatch(
  testCase: PolicyTestCase,
  violations: ViolationDraft[],
): string | undefined {
  const got = violations.map((v) => v.rule).join(', ');
  if (testCase.expect === 'allow') {
    return violations.length === 0 ? undefined : `expected allow, got ${got}`;
  }
  if (violations.length === 0) return 'expected a violation, got allow';
  if (testCase.rule === undefined) return undefined;
  return violations.some((v) => v.rule === testCase.rule)
    ? undefined
    : `expected a violation of rule ${testCase.rule}, got ${got}`;
}

/**
 * Completes a partial event with the defaults `parsePolicyTests` documents
 * and checks it against the access event schema.
 */
export function completePartialEvent(
  partial: Record<string, unknown>,
): { event: AccessEvent } | { at: (string | number)[]; problem: string } {
  const event = completeEvent(partial);
  return validateEvent(event) ? { event } : eventProblem();
}

/** True when `value` is a whole access event (the schema, no defaults). */
export function isAccessEvent(value: unknown): value is AccessEvent {
  return validateEvent(value);
}

/** Where and why the last `validateEvent` call failed. */
function eventProblem(): { at: (string | number)[]; problem: string } {
  const error = validateEvent.errors?.[0];
  const at = (error?.instancePath ?? '').split('/').slice(1);
  return { at: at.map(numberish), problem: error?.message ?? 'is not valid' };
}

function completeEvent(partial: Record<string, unknown>): unknown {
  return {
    seq: 1,
    prev: GENESIS_HASH,
    time: '2026-03-04T03:15:00.000000000Z',
    source: 'audit',
    action: 'read',
    outcome: 'success',
    user: null,
    process: null,
    ...partial,
    agent: {
      id: 'agent-test',
      vendor: 'acme',
      host: 'test-host',
      ...asObject(partial.agent),
    },
    ...('user' in partial ? { user: completeUser(partial.user) } : {}),
    ...('process' in partial
      ? { process: completeProcess(partial.process) }
      : {}),
  };
}

function completeUser(user: unknown): unknown {
  const given = asObject(user);
  if (given === undefined) return user;
  const login = typeof given.login === 'string' ? given.login : 'unset';
  const name = typeof given.name === 'string' ? given.name : login;
  const uid = 1000;
  const auid = login === 'unset' ? AUID_UNSET : uid;
  const base = { login, name, uid, auid, effective: name, euid: uid };
  return { ...base, groups: [], ...given };
}

function completeProcess(process: unknown): unknown {
  const given = asObject(process);
  if (given === undefined) return process;
  const exe = typeof given.exe === 'string' ? given.exe : '/usr/bin/cat';
  const name = exe.slice(exe.lastIndexOf('/') + 1);
  return { pid: 4242, ppid: 1, exe, name, cmdline: exe, ...given };
}

function asObject(value: unknown): Record<string, unknown> | undefined {
  return value !== null && typeof value === 'object' && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : undefined;
}

function numberish(part: string): string | number {
  return /^(0|[1-9][0-9]*)$/.test(part) ? Number(part) : part;
}

function fail(
  source: YamlSource,
  at: (string | number)[],
  problem: string,
): never {
  throw new PolicyError('VIGIL_POLICY_TEST_INVALID', problem, {
    file: source.file,
    field: fieldName(at),
    line: source.lineOf(at),
  });
}
