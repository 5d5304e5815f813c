import { expect } from 'vitest';
import {
  PolicyError,
  type PolicyErrorCode,
} from '../../../collector/policy/errors.js';
import { PolicySet } from '../../../collector/policy/policy-set.js';
import type {
  AccessEvent,
  ProcessInfo,
  UserInfo,
} from '../../../protocol/event.js';

/** A user as the audit sensor reports a logged-in person. */
export function user(login: string, groups: string[] = [login]): UserInfo {
  return {
    login,
    name: login,
    uid: 1001,
    auid: 1001,
    effective: login,
    euid: 1001,
    groups,
  };
}

export function proc(exe: string): ProcessInfo {
  const name = exe.slice(exe.lastIndexOf('/') + 1);
  return { pid: 31337, ppid: 1207, exe, name, cmdline: `${name} --x` };
}

/**
 * An audit event shaped like the audit sensor's output (protocol/event.ts):
 * vigil-analyst reads a customer record on a Wednesday morning in Shanghai.
 */
export function event(over: Partial<AccessEvent> = {}): AccessEvent {
  return {
    seq: 42,
    prev: 'a'.repeat(64),
    time: '2026-03-04T03:15:07.218734109Z',
    agent: { id: 'ws-07', vendor: 'acme-sub', host: 'ws-07.acme-sub.example' },
    source: 'audit',
    action: 'read',
    outcome: 'success',
    path: '/srv/data/customers/eu/acct-1042.csv',
    user: user('vigil-analyst', ['vigil-analyst', 'analysts']),
    process: proc('/usr/bin/less'),
    audit: { serial: 81231, syscall: 'openat', key: 'vigil' },
    ...over,
  };
}

/** A set of one policy given as YAML text. */
export function policy(text: string, file = 'test-policy.yaml'): PolicySet {
  return PolicySet.fromDocuments([{ file, text }]);
}

/** Runs `fn` and returns the PolicyError it throws, checking its code. */
export function policyError(
  fn: () => unknown,
  code: PolicyErrorCode,
): PolicyError {
  let thrown: unknown;
  try {
    fn();
  } catch (error) {
    thrown = error;
  }
  expect(thrown).toBeInstanceOf(PolicyError);
  const error = thrown as PolicyError;
  expect({ code: error.code, message: error.message }).toMatchObject({ code });
  return error;
}
