import { describe, expect, it } from 'vitest';
import {
  parsePolicyTests,
  runPolicyTests,
} from '../../../collector/policy/policy-tests.js';
import { AUID_UNSET } from '../../../protocol/event.js';
import { policy, policyError } from './helpers.js';

const set = policy(`
id: p
severity: low
paths: [/srv/**]
allow: [{ name: readers, actions: [read] }]
deny: [{ name: no-deletes, actions: [delete] }]
`);

describe('parsePolicyTests', () => {
  describe('when a case gives a partial event', () => {
    it('completes it with documented defaults', () => {
      const [c] = parsePolicyTests(
        't.test.yaml',
        '- name: a\n  event: { path: /srv/a, user: { login: unset, name: cron } }\n  expect: allow\n',
      );
      expect(c?.event).toMatchObject({
        seq: 1,
        time: '2026-03-04T03:15:00.000000000Z',
        agent: { id: 'agent-test', vendor: 'acme', host: 'test-host' },
        source: 'audit',
        action: 'read',
        outcome: 'success',
        user: { login: 'unset', name: 'cron', auid: AUID_UNSET, groups: [] },
        process: null,
      });
      expect(c?.line).toBe(1);
    });
  });

  describe('when a file is malformed', () => {
    it.each([
      ['not a list', 'name: a\n', 'must be array'],
      [
        'a case without expect',
        '- { name: a, event: { path: /a } }\n',
        "must have required property 'expect'",
      ],
      [
        'an unknown expectation',
        '- { name: a, event: { path: /a }, expect: maybe }\n',
        'allowed values',
      ],
      [
        'an event without a path',
        '- { name: a, event: { action: read }, expect: allow }\n',
        'path',
      ],
      [
        'an event with a bad field',
        '- { name: a, event: { path: /a, action: erase }, expect: allow }\n',
        'allowed values',
      ],
      [
        'an alias',
        '- &c { name: a, event: { path: /a }, expect: allow }\n- *c\n',
        'aliases',
      ],
    ])('refuses %s', (_what, text, says) => {
      const error = policyError(
        () => parsePolicyTests('t.test.yaml', text),
        'VIGIL_POLICY_TEST_INVALID',
      );
      expect(error.message).toContain(says);
      expect(error.file).toBe('t.test.yaml');
    });
  });
});

describe('runPolicyTests', () => {
  const cases = parsePolicyTests(
    't.test.yaml',
    `
- { name: read, event: { path: /srv/a }, expect: allow }
- { name: write, event: { path: /srv/a, action: write }, expect: allow }
- { name: delete, event: { path: /srv/a, action: delete }, expect: violation, rule: no-deletes }
- { name: wrong rule, event: { path: /srv/a, action: delete }, expect: violation, rule: readers }
- { name: outside, event: { path: /etc/a }, expect: violation }
`,
  );

  describe('when cases run', () => {
    it('passes the right ones and says why the others failed', () => {
      const results = runPolicyTests(set, cases);
      expect(results.map((r) => [r.case.name, r.passed, r.detail])).toEqual([
        ['read', true, undefined],
        ['write', false, 'expected allow, got default-deny'],
        ['delete', true, undefined],
        [
          'wrong rule',
          false,
          'expected a violation of rule readers, got no-deletes',
        ],
        ['outside', false, 'expected a violation, got allow'],
      ]);
    });
  });
});
