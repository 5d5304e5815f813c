import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashToken } from '../../../collector/enroll.js';
import type { ViolationPage } from '../../../collector/people/violation-reads.js';
import type { ViolationDetail } from '../../../collector/people/violation-view.js';
import { snapshotStore } from '../../helpers/collector-fixture.js';
import {
  access,
  startLiveCollector,
  type ApiReply,
  type LiveCollector,
} from '../live-collector.js';

describe("people's API", () => {
  let fx: LiveCollector;
  let ids: number[];

  beforeAll(async () => {
    fx = await startLiveCollector();
    await fx.sender.send([access('/srv/records/a.csv', 'bob')]);
    await fx.sender.send([
      access('/srv/records/b.csv', 'bob'),
      access('/srv/records/a.csv', 'alice'),
    ]);
    await fx.sender.send([access('/srv/records/c.csv', 'carol', 'delete')]);
    const page = await fx.api<ViolationPage>(
      'GET',
      '/v1/violations',
      fx.tokens.admin,
    );
    ids = page.body.violations.map((v) => v.id);
  }, 60_000);

  afterAll(async () => {
    await fx?.close();
  });

  const show = async (id: number) =>
    (
      await fx.api<ViolationDetail>(
        'GET',
        `/v1/violations/${id}`,
        fx.tokens.auditor,
      )
    ).body;

  describe('when no token or a bad one is sent', () => {
    it('answers 401 VIGIL_AUTH_REQUIRED with a Bearer challenge', async () => {
      const res = await fx.api('GET', '/v1/violations');
      expect(res.status).toBe(401);
      expect(res.body.error?.code).toBe('VIGIL_AUTH_REQUIRED');
      expect(res.headers['www-authenticate']).toMatch(/^Bearer/);
    });

    it('answers 401 VIGIL_AUTH_INVALID for an unknown token', async () => {
      const res = await fx.api('GET', '/v1/agents', 'vigil_not-a-real-token');
      expect(res.status).toBe(401);
      expect(res.body.error?.code).toBe('VIGIL_AUTH_INVALID');
      expect(JSON.stringify(res.body)).not.toContain('not-a-real-token');
    });

    it('refuses before reading the body', async () => {
      const res = await fx.api(
        'POST',
        `/v1/violations/${ids[0]}/resolve`,
        undefined,
        '{"note": broken',
      );
      expect(res.status).toBe(401);
      expect(res.body.error?.code).toBe('VIGIL_AUTH_REQUIRED');
    });
  });

  describe('when an auditor acts', () => {
    it('reads the list, one violation and the audit log', async () => {
      const { auditor } = fx.tokens;
      expect((await fx.api('GET', '/v1/violations', auditor)).status).toBe(200);
      expect(
        (await fx.api('GET', `/v1/violations/${ids[0]}`, auditor)).status,
      ).toBe(200);
      expect((await fx.api('GET', '/v1/agents', auditor)).status).toBe(200);
      expect((await fx.api('GET', '/v1/audit-log', auditor)).status).toBe(200);
    });

    it('exports NDJSON with each history, and the export is audited', async () => {
      const res = await fx.api<string>(
        'GET',
        '/v1/violations/export?severity=critical',
        fx.tokens.auditor,
      );
      expect(res.status).toBe(200);
      expect(String(res.headers['content-type'])).toContain('ndjson');
      const lines = res.body
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l));
      expect(lines.length).toBeGreaterThan(0);
      expect(lines.every((l) => l.severity === 'critical')).toBe(true);
      expect(lines[0]).toHaveProperty('history');
      const log = await fx.api<{
        entries: { actor: string; action: string }[];
      }>('GET', '/v1/audit-log', fx.tokens.admin);
      expect(log.body.entries).toContainEqual(
        expect.objectContaining({
          actor: 'api:auditor',
          action: 'violations.exported',
        }),
      );
    });

    it('cannot change a violation: 403 VIGIL_ROLE_FORBIDDEN, status kept', async () => {
      for (const action of ['ack', 'resolve', 'reopen']) {
        const res = await fx.api(
          'POST',
          `/v1/violations/${ids[0]}/${action}`,
          fx.tokens.auditor,
          { note: 'looked fine' },
        );
        expect(res.status).toBe(403);
        expect(res.body.error?.code).toBe('VIGIL_ROLE_FORBIDDEN');
      }
      expect((await show(ids[0]!)).violation.status).toBe('open');
      expect((await show(ids[0]!)).history).toEqual([]);
    });

    it('cannot revoke agents or see users', async () => {
      const agent = fx.agent.identity.agentId;
      const revoke = await fx.api(
        'POST',
        `/v1/agents/${agent}/revoke`,
        fx.tokens.auditor,
        {},
      );
      expect(revoke.body.error?.code).toBe('VIGIL_ROLE_FORBIDDEN');
      const users = await fx.api('GET', '/v1/users', fx.tokens.auditor);
      expect(users.status).toBe(403);
    });
  });

  describe('when an analyst triages', () => {
    it('acknowledges, naming who and when', async () => {
      const before = new Date().toISOString();
      const res = await fx.api<ViolationDetail>(
        'POST',
        `/v1/violations/${ids[0]}/ack`,
        fx.tokens.analyst,
        {},
      );
      expect(res.status).toBe(200);
      expect(res.body.violation.status).toBe('acknowledged');
      const [entry] = res.body.history;
      expect(entry).toMatchObject({
        actor: 'analyst',
        role: 'analyst',
        action: 'ack',
        from: 'open',
        to: 'acknowledged',
        note: null,
      });
      expect(entry!.at >= before).toBe(true);
    });

    it('needs a note to resolve', async () => {
      const res = await fx.api(
        'POST',
        `/v1/violations/${ids[0]}/resolve`,
        fx.tokens.analyst,
        {},
      );
      expect(res.status).toBe(400);
      expect(res.body.error?.code).toBe('VIGIL_BODY_INVALID');
      expect((await show(ids[0]!)).violation.status).toBe('acknowledged');
    });

    it('resolves with a note, refuses a second ack, and reopens', async () => {
      const resolved = await fx.api<ViolationDetail>(
        'POST',
        `/v1/violations/${ids[0]}/resolve`,
        fx.tokens.analyst,
        { note: 'bob was covering for alice, approved by mail' },
      );
      expect(resolved.body.violation.status).toBe('resolved');
      const again = await fx.api(
        'POST',
        `/v1/violations/${ids[0]}/ack`,
        fx.tokens.analyst,
        {},
      );
      expect(again.status).toBe(409);
      expect(again.body.error?.code).toBe('VIGIL_VIOLATION_STATE');
      const reopened = await fx.api<ViolationDetail>(
        'POST',
        `/v1/violations/${ids[0]}/reopen`,
        fx.tokens.admin,
        { note: 'mail not found' },
      );
      expect(reopened.body.violation.status).toBe('open');
      expect(
        reopened.body.history.map((h) => [h.actor, h.action, h.note]),
      ).toEqual([
        ['analyst', 'ack', null],
        ['analyst', 'resolve', 'bob was covering for alice, approved by mail'],
        ['admin', 'reopen', 'mail not found'],
      ]);
    });

    it('cannot revoke agents, manage users or read the audit log', async () => {
      const { analyst } = fx.tokens;
      const agent = fx.agent.identity.agentId;
      for (const [method, path] of [
        ['POST', `/v1/agents/${agent}/revoke`],
        ['GET', '/v1/users'],
        ['POST', '/v1/users'],
        ['GET', '/v1/audit-log'],
      ] as const) {
        const res = await fx.api(
          method,
          path,
          analyst,
          method === 'POST' ? {} : undefined,
        );
        expect([path, res.status, res.body.error?.code]).toEqual([
          path,
          403,
          'VIGIL_ROLE_FORBIDDEN',
        ]);
      }
    });
  });

  describe('when violations are listed', () => {
    const list = async (query: string) =>
      fx.api<ViolationPage & ApiReply>(
        'GET',
        `/v1/violations?${query}`,
        fx.tokens.auditor,
      );

    it('shows one with its whole event', async () => {
      const detail = await show(ids[0]!);
      expect(detail.events).toHaveLength(1);
      expect(detail.events[0]).toMatchObject({
        path: '/srv/records/a.csv',
        user: { login: 'bob' },
        agent: { id: fx.agent.identity.agentId },
      });
      expect(detail.violation.vendor).toBe('acme');
    });

    it('filters by severity, status, policy, vendor, agent and time', async () => {
      const all = (await list('')).body.violations;
      const critical = (await list('severity=critical')).body.violations;
      expect(critical.length).toBeGreaterThan(0);
      expect(critical.every((v) => v.severity === 'critical')).toBe(true);
      const rest = (await list('severity=low,medium,high')).body.violations;
      expect(critical.length + rest.length).toBe(all.length);
      expect((await list('status=resolved')).body.violations).toEqual([]);
      expect(
        (await list('policy=records&vendor=acme')).body.violations,
      ).toHaveLength(all.length);
      expect((await list('vendor=nobody')).body.violations).toEqual([]);
      const agent = fx.agent.identity.agentId;
      expect(
        (await list(`agent=${agent}&since=1h`)).body.violations,
      ).toHaveLength(all.length);
      expect(
        (await list('until=2020-01-01T00:00:00Z')).body.violations,
      ).toEqual([]);
    });

    it('pages with limit and after', async () => {
      const all = (await list('')).body.violations.map((v) => v.id);
      const first = (await list('limit=2')).body;
      expect(first.violations.map((v) => v.id)).toEqual(all.slice(0, 2));
      expect(first.next).toBe(all[1]);
      const second = (await list(`limit=100&after=${first.next}`)).body;
      expect(second.violations.map((v) => v.id)).toEqual(all.slice(2));
      expect(second.next).toBeNull();
    });

    it('refuses a bad filter with 400 VIGIL_QUERY_INVALID naming it', async () => {
      for (const query of [
        'colour=red',
        'status=closed',
        'since=yesterday',
        'limit=0',
      ]) {
        const res = await list(query);
        expect([query, res.status]).toEqual([query, 400]);
        expect(res.body.error?.code).toBe('VIGIL_QUERY_INVALID');
        expect(res.body.error?.message).toContain(query.split('=')[0]);
      }
    });

    it('answers 404 VIGIL_NOT_FOUND for an unknown violation', async () => {
      const res = await fx.api(
        'GET',
        '/v1/violations/999999',
        fx.tokens.analyst,
      );
      expect(res.status).toBe(404);
      expect(res.body.error?.code).toBe('VIGIL_NOT_FOUND');
    });
  });

  describe('when an admin manages users', () => {
    let token: string;

    it('adds a user whose token works at once and is stored only hashed', async () => {
      const res = await fx.api<{ token: string; user: { role: string } }>(
        'POST',
        '/v1/users',
        fx.tokens.admin,
        { name: 'dora', role: 'analyst' },
      );
      expect(res.status).toBe(200);
      token = res.body.token;
      expect(token).toMatch(/^vigil_[A-Za-z0-9_-]{43}$/);
      expect((await fx.api('GET', '/v1/violations', token)).status).toBe(200);
      const rows = snapshotStore(fx.identity.dir).api_users as {
        name: string;
        token_hash: string;
      }[];
      expect(rows.find((r) => r.name === 'dora')?.token_hash).toBe(
        hashToken(token),
      );
      for (const file of ['store.db', 'store.db-wal']) {
        const bytes = readFileSync(join(fx.identity.dir, file));
        expect(bytes.includes(Buffer.from(token))).toBe(false);
      }
    });

    it('lists users without tokens or hashes', async () => {
      const res = await fx.api('GET', '/v1/users', fx.tokens.admin);
      expect(res.status).toBe(200);
      expect(JSON.stringify(res.body)).not.toMatch(/token|[0-9a-f]{64}/);
    });

    it('refuses a taken name and an unknown role', async () => {
      const taken = await fx.api('POST', '/v1/users', fx.tokens.admin, {
        name: 'dora',
        role: 'auditor',
      });
      expect([taken.status, taken.body.error?.code]).toEqual([
        409,
        'VIGIL_USER_EXISTS',
      ]);
      const role = await fx.api('POST', '/v1/users', fx.tokens.admin, {
        name: 'eve',
        role: 'root',
      });
      expect([role.status, role.body.error?.code]).toEqual([
        400,
        'VIGIL_USER_INVALID',
      ]);
    });

    it('removes a user, after which the token answers 401', async () => {
      const res = await fx.api('DELETE', '/v1/users/dora', fx.tokens.admin);
      expect(res.status).toBe(200);
      const after = await fx.api('GET', '/v1/violations', token);
      expect([after.status, after.body.error?.code]).toEqual([
        401,
        'VIGIL_AUTH_INVALID',
      ]);
    });
  });
});
