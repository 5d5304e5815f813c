import { join } from 'node:path';
import { Command, CommanderError } from 'commander';
import { describe, expect, it } from 'vitest';
import {
  collectRoot,
  formatExplanation,
  formatLintFinding,
  formatLintSummary,
  formatTestFailure,
  formatTestSummary,
  parseNow,
  registerPolicyCommands,
} from '../../cli/policy.js';
import { lintPolicyDocuments } from '../../collector/policy/lint.js';
import { PolicySet } from '../../collector/policy/policy-set.js';
import {
  parsePolicyTests,
  runPolicyTests,
} from '../../collector/policy/policy-tests.js';

const text = `id: docs
severity: medium
paths: [/srv/docs/**]
except: ['**/*.tmp']
vendors: [acme]
allow:
  - name: writers
    groups: [writers]
    actions: [write]
deny:
  - name: no-deletes
    actions: [delete]
    severity: critical
limits:
  - { name: bulk, max: 10, window: 1m, per: user }
`;
const set = PolicySet.fromDocuments([
  { file: 'policies/docs.yaml', text },
  {
    file: 'policies/other.yaml',
    text: 'id: other\nseverity: low\npaths: [/srv/other/**]\n',
  },
]);

describe('policy formats', () => {
  describe('when lint findings are printed', () => {
    const report = lintPolicyDocuments([
      {
        file: 'a.yaml',
        text: 'id: a\nseverity: low\npaths: [/srv/a/**]\nexcept: [/srv/a/**]\n',
      },
      {
        file: 'b.yaml',
        text: 'id: b\nseverity: low\npaths: [/srv/b/**]\nallow: [{ name: r, users: [unset] }]\n',
      },
      { file: 'c.yaml', text: '\xff' },
    ]);

    it('prints file:line: severity CODE field: message', () => {
      expect(report.findings.map(formatLintFinding)).toEqual([
        'a.yaml:3: error VIGIL_POLICY_GLOB_EXCEPTED paths[0]: /srv/a/** is removed whole by except /srv/a/**, so it designates nothing',
        'b.yaml:4: warning VIGIL_POLICY_USER_UNSET allow[0].users[0]: allow rule r names user "unset", which never matches: without a login, rules see the real user name (e.g. the cron job user)',
        expect.stringMatching(
          /^c\.yaml:1: error VIGIL_POLICY_SCHEMA_INVALID \(document\): must be a mapping/,
        ),
      ]);
    });

    it('leaves out what a finding does not have', () => {
      const bare = {
        file: 'x.yaml',
        code: 'VIGIL_POLICY_UNREADABLE',
        severity: 'error',
        message: 'cannot be read (EACCES)',
      } as const;
      expect(formatLintFinding(bare)).toBe(
        'x.yaml: error VIGIL_POLICY_UNREADABLE cannot be read (EACCES)',
      );
    });

    it('sums them up', () => {
      expect(formatLintSummary(report)).toBe('2 errors, 1 warning in 3 files');
      expect(formatLintSummary({ files: ['a.yaml'], findings: [] })).toBe(
        'no problems in 1 file',
      );
    });
  });

  describe('when policy tests are printed', () => {
    const cases = parsePolicyTests(
      'policies/docs.test.yaml',
      `- name: a writer deletes
  event: { action: delete, path: /srv/docs/a.md, user: { login: li, groups: [writers] } }
  expect: allow
- name: a writer writes
  event: { action: write, path: /srv/docs/a.md, user: { login: li, groups: [writers] } }
  expect: violation
- name: a writer writes again
  event: { action: write, path: /srv/docs/a.md, user: { login: li, groups: [writers] } }
  expect: allow
`,
    );
    const results = runPolicyTests(set, cases);
    const report = {
      file: 'policies/docs.test.yaml',
      against: 'policies/docs.yaml',
      results,
    };

    it('prints each failure with the decision it got', () => {
      const [deleted, written] = results;
      expect(deleted && formatTestFailure(report, deleted)).toBe(
        [
          'FAIL policies/docs.test.yaml:1 a writer deletes',
          '    expected allow, got no-deletes',
          '    got: docs/no-deletes critical: deny rule no-deletes forbids delete (li, /srv/docs/a.md)',
        ].join('\n'),
      );
      expect(written && formatTestFailure(report, written)).toBe(
        [
          'FAIL policies/docs.test.yaml:4 a writer writes',
          '    expected a violation, got allow',
          '    got: allow (no violation)',
        ].join('\n'),
      );
    });

    it('sums up passes and failures', () => {
      expect(formatTestSummary([report])).toBe('1 passed, 2 failed');
      expect(formatTestSummary([])).toBe('0 passed, 0 failed');
    });
  });

  describe('when an explanation is printed', () => {
    it('shows scope, every condition and the decision', () => {
      const explanation = set.explain(
        parsePolicyTests(
          'e',
          '- name: e\n  event: { action: read, path: /srv/docs/a.md, target: /srv/docs/a.tmp, user: { login: li, groups: [staff] }, process: { exe: /usr/bin/cat } }\n  expect: allow\n',
        )[0]!.event,
      );
      expect(formatExplanation(explanation)).toBe(
        `event: read (success) of /srv/docs/a.md → /srv/docs/a.tmp by li via /usr/bin/cat on agent-test (vendor acme) at 2026-03-04T03:15:00.000000000Z

policy docs (policies/docs.yaml): in scope
  vendor acme: covered (policy applies to acme)
  path /srv/docs/a.md: in scope, matches /srv/docs/**
  target /srv/docs/a.tmp: matches /srv/docs/** but is excepted by **/*.tmp
  deny no-deletes (critical): no match
    [no ] actions: wants delete; got read
  allow writers: no match
    [no ] actions: wants write; got read
    [no ] groups: wants writers; got staff
  limits (counted over many events, not for one): bulk
  verdict: default-deny: no allow rule matched

policy other (policies/other.yaml): out of scope
  vendor acme: covered (policy applies to every vendor)
  path /srv/docs/a.md: matches no paths glob (/srv/other/**)
  target /srv/docs/a.tmp: matches no paths glob (/srv/other/**)

decision: violation
  docs/default-deny medium: default-deny: no allow rule of policy docs permits read by li (groups: staff); rule writers covers only write, needs group writers`,
      );
    });

    it('says when a deny rule decided and allow rules cannot help', () => {
      const [only] = parsePolicyTests(
        'e',
        '- name: e\n  event: { action: delete, path: /srv/docs/a.md }\n  expect: allow\n',
      );
      const out = formatExplanation(set.explain(only!.event));
      expect(out).toContain(
        '  deny no-deletes (critical): matches\n    [yes] actions: wants delete; got delete\n',
      );
      expect(out).toContain(
        '  (a deny rule matched, so allow rules cannot permit this)\n',
      );
      expect(out).toContain('  verdict: denied by no-deletes\n');
    });

    it('says when there is no policy and no path', () => {
      const [any] = parsePolicyTests(
        'e',
        '- name: e\n  event: { path: /srv/docs/a.md }\n  expect: allow\n',
      );
      const none = PolicySet.fromDocuments([]).explain(any!.event);
      expect(formatExplanation(none)).toContain(
        '\n\nno policies loaded\n\ndecision: allow',
      );
      const bare = { ...any!.event, path: undefined };
      expect(formatExplanation(set.explain(bare))).toContain(
        'policy docs (policies/docs.yaml): out of scope\n  vendor acme: covered (policy applies to acme)\n  the event has no path\n',
      );
    });

    it('says a meta event is not evaluated', () => {
      const [beat] = parsePolicyTests(
        'e',
        '- name: e\n  event: { source: agent, action: heartbeat }\n  expect: allow\n',
      );
      expect(formatExplanation(set.explain(beat!.event))).toBe(
        'event: heartbeat (success) of (no path) by no user on agent-test (vendor acme) at 2026-03-04T03:15:00.000000000Z\n' +
          'meta events (source agent) are never evaluated\n\n' +
          'decision: allow (not evaluated)',
      );
    });
  });
});

describe('policy options', () => {
  describe('when --roots is given', () => {
    it('collects absolute roots and refuses relative ones', () => {
      expect(collectRoot('/srv/b', collectRoot('/srv/a'))).toEqual([
        '/srv/a',
        '/srv/b',
      ]);
      expect(() => collectRoot('srv/a')).toThrow('absolute');
    });
  });

  describe('when --now is given', () => {
    it('reads an RFC 3339 time or a date', () => {
      expect(parseNow('2026-03-04T11:15:00+08:00')).toBe(
        Date.parse('2026-03-04T03:15:00Z'),
      );
      expect(parseNow('2026-03-04')).toBe(Date.parse('2026-03-04T00:00:00Z'));
    });

    it('refuses anything else', () => {
      for (const bad of ['yesterday', '2026-02-30', '1700000000']) {
        expect(() => parseNow(bad)).toThrow('RFC 3339');
      }
    });
  });

  describe('when the commands are registered', () => {
    it('offers lint, test, explain and replay, and explain needs --policies', async () => {
      const program = new Command('vigil').exitOverride();
      registerPolicyCommands(program);
      const policy = program.commands.find((c) => c.name() === 'policy');
      expect(policy?.commands.map((c) => c.name())).toEqual([
        'lint',
        'test',
        'explain',
        'replay',
      ]);
      policy?.commands.forEach((c) =>
        c.exitOverride().configureOutput({ writeErr: () => {} }),
      );
      const missing = program.parseAsync([
        'node',
        'vigil',
        'policy',
        'explain',
        join('x', 'e.json'),
      ]);
      await expect(missing).rejects.toBeInstanceOf(CommanderError);
    });
  });
});
