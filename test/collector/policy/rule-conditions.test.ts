import { describe, expect, it } from 'vitest';
import { AUID_UNSET } from '../../../protocol/event.js';
import { event, policy, proc, user } from './helpers.js';

/** One allow rule on /srv/**; returns the rules violated by an event. */
function allowOnly(
  rule: string,
): (over: Parameters<typeof event>[0]) => string[] {
  const set = policy(
    `id: p\nseverity: medium\npaths: [/srv/**]\nallow:\n  - name: r\n${rule}`,
  );
  return (over) => set.evaluate(event(over)).map((d) => d.reason);
}

describe('rule conditions', () => {
  describe('when a rule has no conditions', () => {
    it('allows every action, outcome and user, attributed or not', () => {
      const check = allowOnly('');
      expect(check({ action: 'delete', outcome: 'failed' })).toEqual([]);
      expect(check({ source: 'fs', user: null, process: null })).toEqual([]);
    });
  });

  describe('when a rule names users', () => {
    const check = allowOnly('    users: [vigil-analyst, li.wei]\n');

    it('matches the login of the acting person', () => {
      expect(check({})).toEqual([]);
    });

    it('does not match the real or effective user behind a login', () => {
      const viaSudo = {
        ...user('vigil-intern'),
        name: 'root',
        effective: 'vigil-analyst',
      };
      expect(check({ user: viaSudo })).toHaveLength(1);
    });

    it('matches the real user name when the login is unset', () => {
      const cron = {
        ...user('unset'),
        name: 'vigil-analyst',
        auid: AUID_UNSET,
      };
      expect(check({ user: cron })).toEqual([]);
    });

    it('cannot be satisfied without a user, and says so', () => {
      expect(check({ source: 'fs', user: null })).toEqual([
        'default-deny: no allow rule of policy p permits read by an unattributed user; rule r needs user vigil-analyst or li.wei (no user was attributed)',
      ]);
    });
  });

  describe('when a rule names groups', () => {
    const check = allowOnly('    groups: [analysts, auditors]\n');

    it('matches any one group of the person', () => {
      expect(check({ user: user('a', ['staff', 'auditors']) })).toEqual([]);
    });

    it('does not match a user name equal to the group', () => {
      expect(check({ user: user('analysts', ['staff']) })).toHaveLength(1);
    });

    it('cannot be satisfied without a user', () => {
      expect(check({ user: null })[0]).toContain(
        'needs group analysts or auditors (no user was attributed)',
      );
    });
  });

  describe('when a rule names processes', () => {
    const check = allowOnly(
      '    processes: [/usr/bin/python3*, /opt/*/bin/report]\n',
    );

    it('matches the executable path against the globs', () => {
      expect(check({ process: proc('/usr/bin/python3.12') })).toEqual([]);
      expect(check({ process: proc('/opt/acme/bin/report') })).toEqual([]);
    });

    it('does not match the process name or another path', () => {
      const renamed = { ...proc('/tmp/python3'), name: 'python3' };
      expect(check({ process: renamed })[0]).toContain(
        'needs process /usr/bin/python3* or /opt/*/bin/report (it was /tmp/python3)',
      );
    });

    it('cannot be satisfied without a process', () => {
      expect(check({ process: null })[0]).toContain(
        '(no process was attributed)',
      );
    });
  });

  describe('when a rule names outcomes', () => {
    const check = allowOnly('    outcome: [denied, failed]\n');

    it('applies only to events with those outcomes', () => {
      expect(check({ outcome: 'denied' })).toEqual([]);
      expect(check({ outcome: 'success' })[0]).toContain(
        'rule r applies only to outcome denied or failed',
      );
    });
  });

  describe('when a list is long', () => {
    it('shows five values and counts the rest', () => {
      const check = allowOnly('    users: [a, b, c, d, e, f, g]\n');
      expect(check({})[0]).toContain(
        'needs user a or b or c or d or e or 2 more',
      );
    });

    it('shows eight groups of the person and counts the rest', () => {
      const check = allowOnly('    users: [a]\n');
      const many = user('x', [
        'g1',
        'g2',
        'g3',
        'g4',
        'g5',
        'g6',
        'g7',
        'g8',
        'g9',
      ]);
      expect(check({ user: many })[0]).toContain(
        'by x (groups: g1, g2, g3, g4, g5, g6, g7, g8 and 1 more)',
      );
    });
  });

  describe('when a deny rule has conditions', () => {
    const set = policy(`
id: p
severity: medium
paths: [/srv/**]
allow: [{ name: all }]
deny:
  - name: no-interns
    groups: [interns]
    users: [zhang.min]
    outcome: [success]
`);

    it('fires only when all of them hold, naming what matched', () => {
      const intern = user('zhang.min', ['staff', 'interns']);
      expect(set.evaluate(event({ user: intern }))).toMatchObject([
        {
          rule: 'no-interns',
          severity: 'medium',
          reason:
            'deny rule no-interns forbids read by user zhang.min, group interns (zhang.min, /srv/data/customers/eu/acct-1042.csv)',
        },
      ]);
      const failed = event({ user: intern, outcome: 'failed' });
      expect(set.evaluate(failed)).toEqual([]);
      expect(set.evaluate(event({ user: user('zhang.min') }))).toEqual([]);
    });
  });
});
