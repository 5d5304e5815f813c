import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { event, policy, proc, user } from './helpers.js';

const CUSTOMERS = `
id: customer-records
severity: high
paths: [/srv/data/customers/**]
except: ["**/*.tmp"]
allow:
  - name: analysts-read
    groups: [analysts]
    actions: [read]
deny:
  - name: no-deletes
    actions: [delete, rename]
    severity: critical
  - name: no-scp
    processes: [/usr/bin/scp]
compliance: [pipl-art-21, gdpr-art-28]
`;
const set = policy(CUSTOMERS);
const intern = user('vigil-intern', ['vigil-intern']);

describe('PolicySet.evaluate', () => {
  describe('when an allow rule permits the event', () => {
    it('returns no violation', () => {
      expect(set.evaluate(event())).toEqual([]);
    });
  });

  describe('when no allow rule permits the event', () => {
    it('raises default-deny at the policy severity with a readable reason', () => {
      const [violation, ...rest] = set.evaluate(event({ user: intern }));
      expect(rest).toEqual([]);
      expect(violation).toEqual({
        policy: 'customer-records',
        rule: 'default-deny',
        kind: 'default-deny',
        severity: 'high',
        reason:
          'default-deny: no allow rule of policy customer-records permits read by vigil-intern (groups: vigil-intern); rule analysts-read needs group analysts',
        policyHash: createHash('sha256').update(CUSTOMERS).digest('hex'),
        compliance: ['pipl-art-21', 'gdpr-art-28'],
      });
    });

    it('names every condition the rule failed', () => {
      const [violation] = set.evaluate(
        event({ action: 'write', outcome: 'denied', user: intern }),
      );
      expect(violation?.reason).toBe(
        'default-deny: no allow rule of policy customer-records permits write (outcome denied) by vigil-intern (groups: vigil-intern); rule analysts-read covers only read, needs group analysts',
      );
    });

    it('says when the policy has no allow rules at all', () => {
      const strict = policy('id: p\nseverity: low\npaths: [/srv/**]\n');
      const [violation] = strict.evaluate(event());
      expect(violation?.severity).toBe('low');
      expect(violation?.reason).toBe(
        'default-deny: no allow rule of policy p permits read by vigil-analyst (groups: vigil-analyst, analysts); the policy has no allow rules',
      );
    });
  });

  describe('when a deny rule matches', () => {
    it('raises it at the rule severity even though an allow rule matches', () => {
      const scp = set.evaluate(event({ process: proc('/usr/bin/scp') }));
      expect(scp).toMatchObject([
        {
          rule: 'no-scp',
          kind: 'deny',
          severity: 'high',
          reason:
            'deny rule no-scp forbids read by process /usr/bin/scp (vigil-analyst, /srv/data/customers/eu/acct-1042.csv)',
        },
      ]);
    });

    it('raises every matching deny rule and no default-deny beside them', () => {
      const drafts = set.evaluate(
        event({ action: 'delete', process: proc('/usr/bin/scp') }),
      );
      expect(drafts.map((d) => [d.rule, d.severity])).toEqual([
        ['no-deletes', 'critical'],
        ['no-scp', 'high'],
      ]);
      expect(drafts[0]?.reason).toBe(
        'deny rule no-deletes forbids delete (vigil-analyst, /srv/data/customers/eu/acct-1042.csv)',
      );
    });

    it('shows both names of a rename', () => {
      const [draft] = set.evaluate(
        event({
          action: 'rename',
          target: '/srv/data/customers/eu/acct-1042.tmp',
        }),
      );
      expect(draft?.reason).toBe(
        'deny rule no-deletes forbids rename (vigil-analyst, /srv/data/customers/eu/acct-1042.csv → /srv/data/customers/eu/acct-1042.tmp)',
      );
    });
  });

  describe('when deciding which events a policy covers', () => {
    const scoped = (over: Parameters<typeof event>[0]): string[] =>
      set.evaluate(event({ user: intern, ...over })).map((d) => d.rule);

    it('ignores paths outside paths', () => {
      expect(scoped({ path: '/srv/data/public/readme.txt' })).toEqual([]);
      expect(scoped({ path: '/srv/data/customersX/a.csv' })).toEqual([]);
    });

    it('covers dot files below paths', () => {
      expect(scoped({ path: '/srv/data/customers/.hidden/a' })).toEqual([
        'default-deny',
      ]);
    });

    it('ignores a path that except removes', () => {
      expect(scoped({ path: '/srv/data/customers/eu/a.tmp' })).toEqual([]);
    });

    it('covers an event whose target alone is in paths', () => {
      const moveIn = {
        action: 'rename' as const,
        path: '/home/vigil-intern/a.csv',
        target: '/srv/data/customers/eu/a.csv',
      };
      expect(scoped(moveIn)).toEqual(['no-deletes']);
    });

    it('covers a path in scope whose target is excepted', () => {
      const renameAway = {
        action: 'rename' as const,
        target: '/srv/data/customers/eu/acct-1042.tmp',
      };
      expect(scoped(renameAway)).toEqual(['no-deletes']);
    });

    it('covers an excepted path whose target is in scope', () => {
      const atomicSave = {
        action: 'rename' as const,
        path: '/srv/data/customers/eu/acct-1042.tmp',
        target: '/srv/data/customers/eu/acct-1042.csv',
      };
      expect(scoped(atomicSave)).toEqual(['no-deletes']);
    });

    it('never evaluates meta events of the agent', () => {
      const heartbeat = event({
        source: 'agent',
        action: 'heartbeat',
        path: undefined,
        user: null,
        process: null,
      });
      expect(set.evaluate(heartbeat)).toEqual([]);
      const odd = { ...heartbeat, path: '/srv/data/customers/a.csv' };
      expect(set.evaluate(odd)).toEqual([]);
    });
  });

  describe('when a policy names vendors', () => {
    const vendorSet = policy(
      'id: v\nseverity: low\npaths: [/srv/**]\nvendors: [acme-sub, beta]\n',
    );

    it('applies to agents of those vendors', () => {
      expect(vendorSet.evaluate(event())).toHaveLength(1);
    });

    it('ignores agents of other vendors', () => {
      const agent = { id: 'x', vendor: 'acme', host: 'h' };
      expect(vendorSet.evaluate(event({ agent }))).toEqual([]);
    });
  });
});

describe('PolicySet.evaluate on attempts the OS refused', () => {
  const credentials = policy(`
id: credentials
severity: medium
paths: [/srv/data/credentials/**]
allow:
  - name: deploy-reads
    users: [vigil-deploy]
    actions: [read]
    outcome: [success]
deny:
  - name: denied-attempts
    outcome: [denied]
    severity: high
`);
  const key = '/srv/data/credentials/db.key';

  describe('when a deny rule names outcome denied', () => {
    it('flags a refused attempt at the rule severity, saying it was refused', () => {
      const drafts = credentials.evaluate(
        event({ path: key, user: intern, outcome: 'denied' }),
      );
      expect(drafts).toMatchObject([
        {
          rule: 'denied-attempts',
          kind: 'deny',
          severity: 'high',
          reason:
            'deny rule denied-attempts forbids read (outcome denied) (vigil-intern, /srv/data/credentials/db.key)',
        },
      ]);
    });

    it('flags a refused attempt even by someone an allow rule permits', () => {
      const deploy = user('vigil-deploy');
      const refused = event({ path: key, user: deploy, outcome: 'denied' });
      expect(credentials.evaluate(refused).map((d) => d.rule)).toEqual([
        'denied-attempts',
      ]);
      const read = event({ path: key, user: deploy });
      expect(credentials.evaluate(read)).toEqual([]);
    });

    it('leaves attempts that failed for other reasons to default-deny', () => {
      const failed = event({ path: key, user: intern, outcome: 'failed' });
      expect(credentials.evaluate(failed).map((d) => d.rule)).toEqual([
        'default-deny',
      ]);
    });
  });
});
