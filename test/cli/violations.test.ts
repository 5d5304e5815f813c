import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ViolationView } from '../../cli/violations.js';
import type { ViolationDetail } from '../../collector/people/violation-view.js';
import { freePort } from '../helpers/vigil-cli.js';
import {
  access,
  heartbeat,
  startLiveCollector,
  type LiveCollector,
} from '../collector/live-collector.js';
import { runVigil } from './run-vigil.js';

/** A login and a path a vendor's machine chose to fool a terminal. */
const HOSTILE_LOGIN = 'eve\x1b[31m\nFORGED LINE\r';
const HOSTILE_PATH = '/srv/records/invoice\u202Efdp\x1b[2J\u2028.csv';
/** Every character a terminal would obey or that hides or reorders text. */
const HIDDEN =
  // eslint-disable-next-line no-control-regex -- the point of the test
  /[\x00-\x09\x0b-\x1f\x7f-\x9f\u200b-\u200f\u2028-\u202e\u2066-\u2069]/;

describe('vigil violations', () => {
  let fx: LiveCollector;
  let remote: (token: string) => string[];

  beforeAll(async () => {
    fx = await startLiveCollector();
    await fx.sender.send([access('/srv/records/a.csv', 'bob')]);
    await fx.sender.send([access('/srv/records/b.csv', 'carol', 'delete')]);
    // An open watchdog violation with an event, next to the policy ones.
    await fx.sender.send([heartbeat(['/srv/records'])]);
    await fx.sender.send([access(HOSTILE_PATH, HOSTILE_LOGIN)]);
    remote = (token) => [
      '--collector',
      fx.collector.url,
      '--api-token',
      token,
      '--data',
      fx.identity.dir,
    ];
  }, 60_000);

  afterAll(async () => {
    await fx?.close();
  });

  describe('list --data DIR --json (the local store)', () => {
    it('prints the same fields as before, event summary included', async () => {
      const out = await runVigil([
        'violations',
        'list',
        '--data',
        fx.identity.dir,
        '--json',
      ]);
      expect(out.code).toBe(0);
      const views = JSON.parse(out.stdout) as ViolationView[];
      expect(views.length).toBeGreaterThanOrEqual(3);
      expect(Object.keys(views[0]!)).toEqual([
        'id',
        'policy',
        'rule',
        'kind',
        'severity',
        'status',
        'reason',
        'policyHash',
        'compliance',
        'agent',
        'createdAt',
        'event',
      ]);
      expect(Object.keys(views[0]!.event)).toEqual([
        'seq',
        'time',
        'action',
        'outcome',
        'path',
        'user',
        'process',
      ]);
      expect(views.map((v) => v.id)).toEqual(
        [...views.map((v) => v.id)].sort((a, b) => a - b),
      );
      expect(views.some((v) => v.kind === 'agent.coverage')).toBe(true);
    });

    it('filters locally as the API does', async () => {
      const out = await runVigil([
        'violations',
        'list',
        '--data',
        fx.identity.dir,
        '--severity',
        'critical',
        '--json',
      ]);
      const views = JSON.parse(out.stdout) as ViolationView[];
      expect(views.length).toBeGreaterThan(0);
      expect(views.every((v) => v.severity === 'critical')).toBe(true);
    });
  });

  describe('list --collector URL', () => {
    it('prints what the API lists, trusting the CA of --data', async () => {
      const local = await runVigil([
        'violations',
        'list',
        '--data',
        fx.identity.dir,
        '--json',
      ]);
      const out = await runVigil([
        'violations',
        'list',
        ...remote(fx.tokens.auditor),
        '--json',
      ]);
      expect(out.code).toBe(0);
      expect(JSON.parse(out.stdout)).toEqual(JSON.parse(local.stdout));
    });

    it('prints one line per violation and a hint for the next page', async () => {
      const out = await runVigil([
        'violations',
        'list',
        ...remote(fx.tokens.auditor),
        '--limit',
        '1',
      ]);
      expect(out.stdout).toMatch(
        /^#\d+ \S+ HIGH records\/default-deny: bob via cat read \/srv\/records\/a\.csv \(success\)\n {4}\S/,
      );
      expect(out.stderr).toMatch(/more: add --after \d+/);
    });

    it('takes the token from VIGIL_API_TOKEN', async () => {
      process.env.VIGIL_API_TOKEN = fx.tokens.auditor;
      try {
        const out = await runVigil([
          'violations',
          'list',
          '--collector',
          fx.collector.url,
          '--ca',
          join(fx.identity.dir, 'ca.pem'),
        ]);
        expect(out.code).toBe(0);
      } finally {
        delete process.env.VIGIL_API_TOKEN;
      }
    });
  });

  describe('ack, resolve, reopen and show', () => {
    let id: number;

    beforeAll(async () => {
      const out = await runVigil([
        'violations',
        'list',
        '--data',
        fx.identity.dir,
        '--json',
      ]);
      id = (JSON.parse(out.stdout) as ViolationView[])[0]!.id;
    });

    it('moves a violation and shows who did it', async () => {
      const ack = await runVigil([
        'violations',
        'ack',
        String(id),
        ...remote(fx.tokens.analyst),
      ]);
      expect(ack.code).toBe(0);
      expect(ack.stdout).toContain('status acknowledged');
      expect(ack.stdout).toMatch(
        /analyst \(analyst\) ack open -> acknowledged/,
      );
      const resolved = await runVigil([
        'violations',
        'resolve',
        String(id),
        ...remote(fx.tokens.analyst),
        '--note',
        'approved by the owner',
        '--json',
      ]);
      const detail = JSON.parse(resolved.stdout) as ViolationDetail;
      expect(detail.violation.status).toBe('resolved');
      expect(detail.history.at(-1)).toMatchObject({
        actor: 'analyst',
        note: 'approved by the owner',
      });
      const reopened = await runVigil([
        'violations',
        'reopen',
        String(id),
        ...remote(fx.tokens.admin),
      ]);
      expect(reopened.stdout).toContain('status open');
      const shown = await runVigil([
        'violations',
        'show',
        String(id),
        '--data',
        fx.identity.dir,
      ]);
      expect(
        shown.stdout.match(/^ {6}\S+ \S+ \(\S+\) \S+ \S+ -> \S+/gm),
      ).toHaveLength(3);
      expect(shown.stdout).toContain('"path":"/srv/records/a.csv"');
    });

    it('exits 2 when resolve has no note', async () => {
      const out = await runVigil([
        'violations',
        'resolve',
        String(id),
        ...remote(fx.tokens.analyst),
      ]);
      expect(out.code).toBe(2);
      expect(out.stderr).toContain('--note');
    });

    it("prints the collector's code when the role may not", async () => {
      const out = await runVigil([
        'violations',
        'ack',
        String(id),
        ...remote(fx.tokens.auditor),
      ]);
      expect(out.code).toBe(1);
      expect(out.stderr).toMatch(
        /^vigil: VIGIL_ROLE_FORBIDDEN: role: auditor is auditor/,
      );
    });

    it('says VIGIL_AUTH_INVALID for a wrong token, without echoing it', async () => {
      const out = await runVigil([
        'violations',
        'show',
        String(id),
        ...remote('vigil_wrong-token'),
      ]);
      expect(out.code).toBe(1);
      expect(out.stderr).toContain('VIGIL_AUTH_INVALID');
      expect(out.stderr).not.toContain('wrong-token');
    });

    it('exits 2 without a token, and for triage without --collector', async () => {
      const noToken = await runVigil([
        'violations',
        'list',
        '--collector',
        fx.collector.url,
      ]);
      expect(noToken.code).toBe(2);
      const local = await runVigil([
        'violations',
        'ack',
        String(id),
        '--data',
        fx.identity.dir,
      ]);
      expect(local.code).toBe(2);
      expect(local.stderr).toContain('--collector');
    });

    it('says VIGIL_API_UNREACHABLE when nothing listens', async () => {
      const port = await freePort();
      const out = await runVigil([
        'violations',
        'list',
        '--collector',
        `https://127.0.0.1:${port}`,
        '--api-token',
        fx.tokens.auditor,
      ]);
      expect(out.code).toBe(1);
      expect(out.stderr).toMatch(
        /^vigil: VIGIL_API_UNREACHABLE: https:\/\/127\.0\.0\.1:\d+: ECONNREFUSED/,
      );
    });

    it("says VIGIL_API_UNREACHABLE when the CA is not the collector's", async () => {
      const out = await runVigil([
        'violations',
        'list',
        '--collector',
        fx.collector.url,
        '--api-token',
        fx.tokens.auditor,
      ]);
      expect(out.code).toBe(1);
      expect(out.stderr).toContain('VIGIL_API_UNREACHABLE');
    });
  });

  describe('when a vendor chose control characters (text output)', () => {
    let id: number;

    beforeAll(async () => {
      const out = await runVigil([
        'violations',
        'list',
        '--data',
        fx.identity.dir,
        '--json',
      ]);
      const views = JSON.parse(out.stdout) as ViolationView[];
      // JSON output is unchanged: its escaping already shows everything.
      const hostile = views.find((v) => v.event?.path === HOSTILE_PATH);
      expect(hostile?.event.user?.login).toBe(HOSTILE_LOGIN);
      id = hostile!.id;
      const resolved = await runVigil([
        'violations',
        'resolve',
        String(id),
        ...remote(fx.tokens.analyst),
        '--note',
        'ok\x1b[8m\nvigil: forged note',
      ]);
      expect(resolved.code).toBe(0);
      expect(resolved.stdout).not.toMatch(HIDDEN);
    });

    it('list prints each violation on its two lines, escapes visible', async () => {
      const out = await runVigil([
        'violations',
        'list',
        '--data',
        fx.identity.dir,
      ]);
      expect(out.code).toBe(0);
      expect(out.stdout).not.toMatch(HIDDEN);
      const line = out.stdout.split('\n').find((l) => l.startsWith(`#${id} `));
      expect(line).toContain(
        'eve\\x1b[31m\\nFORGED LINE\\r via cat read ' +
          '/srv/records/invoice[U+202E]fdp\\x1b[2J[U+2028].csv (success)',
      );
      expect(out.stdout).not.toMatch(/^FORGED LINE/m);
    });

    it('show prints the event and the note without obeying them', async () => {
      const out = await runVigil([
        'violations',
        'show',
        String(id),
        '--data',
        fx.identity.dir,
      ]);
      expect(out.code).toBe(0);
      expect(out.stdout).not.toMatch(HIDDEN);
      expect(out.stdout).toContain('"path":"/srv/records/invoice[U+202E]fdp');
      expect(out.stdout).toContain('ok\\x1b[8m\\nvigil: forged note');
      expect(out.stdout).not.toMatch(/^vigil: forged note/m);
    });
  });
});
