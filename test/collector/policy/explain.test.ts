import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { PolicyExplanation } from '../../../collector/policy/explain.js';
import { PolicySet } from '../../../collector/policy/policy-set.js';
import { parsePolicyTests } from '../../../collector/policy/policy-tests.js';
import { event, policy, proc, user } from './helpers.js';

const POLICIES = join(import.meta.dirname, '../../../policies');

const records = `
id: records
severity: high
paths: [/srv/data/customers/**]
except: ['**/*.tmp']
vendors: [acme-sub]
allow:
  - name: analysts-read
    groups: [analysts]
    actions: [read]
    schedule: { days: [mon, tue, wed, thu, fri], hours: '09:00-18:00', timezone: Asia/Shanghai }
  - name: anyone-stat
    actions: [chmod]
deny:
  - name: no-deletes
    actions: [delete, rename]
    severity: critical
limits:
  - { name: bulk-read, actions: [read], max: 500, window: 10m, per: user }
`;
const finance = `
id: finance
severity: medium
paths: [/srv/data/finance/**]
`;
const set = PolicySet.fromDocuments([
  { file: 'a-records.yaml', text: records },
  { file: 'b-finance.yaml', text: finance },
]);

function explained(over: Parameters<typeof event>[0]): PolicyExplanation {
  const [first] = set.explain(event(over)).policies;
  if (first === undefined) throw new Error('no policy explained');
  return first;
}

describe('PolicySet.explain', () => {
  describe('when an allow rule permits the event', () => {
    const explanation = set.explain(event());

    it('lists every policy in set order with its scope', () => {
      expect(
        explanation.policies.map((p) => [p.id, p.inScope, p.verdict]),
      ).toEqual([
        ['records', true, 'allowed'],
        ['finance', false, 'out-of-scope'],
      ]);
      expect(explanation.decision).toBe('allow');
      expect(explanation.violations).toEqual([]);
    });

    it('shows each condition with the values compared', () => {
      const [records] = explanation.policies;
      expect(records?.decidedBy).toEqual(['analysts-read']);
      expect(records?.limits).toEqual(['bulk-read']);
      expect(records?.allow[0]).toEqual({
        name: 'analysts-read',
        kind: 'allow',
        severity: undefined,
        matched: true,
        conditions: [
          { field: 'actions', wants: 'read', got: 'read', matched: true },
          {
            field: 'groups',
            wants: 'analysts',
            got: 'vigil-analyst, analysts',
            matched: true,
          },
          {
            field: 'schedule',
            wants: 'mon–fri 09:00–18:00 Asia/Shanghai',
            got: 'Wed 2026-03-04 11:15 Asia/Shanghai',
            matched: true,
          },
        ],
      });
      expect(records?.deny[0]).toMatchObject({
        name: 'no-deletes',
        severity: 'critical',
        matched: false,
        conditions: [
          { field: 'actions', wants: 'delete, rename', got: 'read' },
        ],
      });
    });

    it('says why a policy is out of scope', () => {
      const [, finance] = explanation.policies;
      expect(finance?.vendor).toEqual({
        vendors: null,
        vendor: 'acme-sub',
        matched: true,
      });
      expect(finance?.names).toEqual([
        {
          role: 'path',
          name: '/srv/data/customers/eu/acct-1042.csv',
          paths: [{ glob: '/srv/data/finance/**', matched: false }],
          except: [],
          inScope: false,
        },
      ]);
      expect(finance?.allow).toEqual([]);
    });
  });

  describe('when no allow rule matches', () => {
    it('tests every condition, not only the first that fails', () => {
      const late = explained({
        time: '2026-03-07T13:00:00Z',
        user: user('vigil-intern'),
        process: proc('/usr/bin/cat'),
      });
      expect(late.verdict).toBe('default-deny');
      expect(late.decidedBy).toEqual(['default-deny']);
      expect(
        late.allow[0]?.conditions.map((c) => [c.field, c.matched, c.got]),
      ).toEqual([
        ['actions', true, 'read'],
        ['groups', false, 'vigil-intern'],
        ['schedule', false, 'Sat 2026-03-07 21:00 Asia/Shanghai'],
      ]);
    });

    it('says "no user" when the sensor could not attribute one', () => {
      const fs = explained({ source: 'fs', user: null, process: null });
      expect(fs.allow[0]?.conditions[1]).toEqual({
        field: 'groups',
        wants: 'analysts',
        got: 'no user',
        matched: false,
      });
    });
  });

  describe('when a deny rule matches', () => {
    it('reports the deny and still shows the allow rules', () => {
      const rename = explained({
        action: 'rename',
        target: '/srv/data/customers/eu/acct-1042.tmp',
      });
      expect(rename.verdict).toBe('denied');
      expect(rename.decidedBy).toEqual(['no-deletes']);
      expect(rename.violations.map((v) => [v.rule, v.severity])).toEqual([
        ['no-deletes', 'critical'],
      ]);
      expect(rename.allow.map((r) => r.matched)).toEqual([false, false]);
      expect(rename.names.map((n) => [n.role, n.inScope])).toEqual([
        ['path', true],
        ['target', false],
      ]);
      expect(rename.names[1]?.except).toEqual([
        { glob: '**/*.tmp', matched: true },
      ]);
    });
  });

  describe('when the path is excepted but the target is in scope', () => {
    it('keeps the policy in scope, like evaluate', () => {
      const save = event({
        action: 'rename',
        path: '/srv/data/customers/eu/acct-1042.tmp',
        target: '/srv/data/customers/eu/acct-1042.csv',
      });
      const explanation = set.explain(save);
      expect(explanation.policies[0]?.inScope).toBe(true);
      expect(explanation.violations).toEqual(set.evaluate(save));
    });
  });

  describe('when the vendor is not covered', () => {
    it('is out of scope though the path matches', () => {
      const other = explained({
        agent: { id: 'a', vendor: 'acme', host: 'h' },
      });
      expect(other.inScope).toBe(false);
      expect(other.vendor).toEqual({
        vendors: ['acme-sub'],
        vendor: 'acme',
        matched: false,
      });
      expect(other.names[0]?.inScope).toBe(true);
      expect(other.deny).toEqual([]);
    });
  });

  describe('when a rule has no conditions', () => {
    it('matches with an empty condition list', () => {
      const open = policy(
        'id: o\nseverity: low\npaths: [/srv/**]\nallow: [{ name: all }]\n',
      );
      const [only] = open.explain(event({ path: '/srv/x' })).policies;
      expect(only?.allow).toEqual([
        {
          name: 'all',
          kind: 'allow',
          severity: undefined,
          matched: true,
          conditions: [],
        },
      ]);
    });
  });

  describe('when the event is a meta event or has no path', () => {
    it('does not evaluate a meta event', () => {
      const beat = event({
        source: 'agent',
        action: 'heartbeat',
        path: undefined,
      });
      expect(set.explain(beat)).toMatchObject({
        evaluated: false,
        policies: [],
        decision: 'allow',
      });
    });

    it('puts every policy out of scope without a path', () => {
      const bare = set.explain(event({ path: undefined }));
      expect(bare.policies.map((p) => [p.inScope, p.names])).toEqual([
        [false, []],
        [false, []],
      ]);
    });
  });

  describe('when the example policies judge their own test cases', () => {
    const examples = PolicySet.load(POLICIES);
    const cases = readdirSync(POLICIES)
      .filter((name) => name.endsWith('.test.yaml'))
      .flatMap((name) =>
        parsePolicyTests(name, readFileSync(join(POLICIES, name), 'utf8')),
      );

    it.each(cases.map((c) => [c.name, c.event] as const))(
      'agrees with evaluate: %s',
      (_name, testEvent) => {
        const explanation = examples.explain(testEvent);
        const violations = examples.evaluate(testEvent);
        expect(explanation.violations).toEqual(violations);
        expect(explanation.decision).toBe(
          violations.length > 0 ? 'violation' : 'allow',
        );
      },
    );
  });
});
