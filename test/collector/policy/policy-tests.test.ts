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

describe('runPolicyTests with repeat', () => {
  const limited = policy(`
id: bulk
severity: low
paths: [/srv/**]
allow: [{ name: anyone }]
limits: [{ name: bulk-read, actions: [read], max: 3, window: 1m, per: agent }]
`);
  const cases = parsePolicyTests(
    't.test.yaml',
    `
- { name: three reads, event: { path: /srv/a }, repeat: 3, expect: allow }
- { name: four reads, event: { path: /srv/a }, repeat: 4, expect: violation, rule: bulk-read }
- { name: one read, event: { path: /srv/a }, expect: allow }
`,
  );

  describe('when a case repeats its event', () => {
    it('counts the repeats against limits, each case afresh', () => {
      const results = runPolicyTests(limited, cases);
      expect(results.map((r) => [r.case.name, r.passed])).toEqual([
        ['three reads', true],
        ['four reads', true],
        ['one read', true],
      ]);
      expect(results[1]?.violations.map((v) => v.reason)).toEqual([
        'bulk-read: 4 reads on agent agent-test within 1m, limit 3',
      ]);
    });

    it('lists each rule once however often it fired', () => {
      const [many] = runPolicyTests(
        set,
        parsePolicyTests(
          't.test.yaml',
          '- { name: d, event: { path: /srv/a, action: delete }, repeat: 50, expect: violation }\n',
        ),
      );
      expect(many?.violations.map((v) => v.rule)).toEqual(['no-deletes']);
    });
  });

  describe('when repeat is out of range', () => {
    it.each([0, 100_001, 1.5])('refuses %s', (repeat) => {
      const error = policyError(
        () =>
          parsePolicyTests(
            't.test.yaml',
            `- { name: a, event: { path: /a }, expect: allow, repeat: ${repeat} }\n`,
          ),
        'VIGIL_POLICY_TEST_INVALID',
      );
      expect(error.field).toBe('[0].repeat');
    });
  });
});
