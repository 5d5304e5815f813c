import { request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AuditEntry } from '../../../collector/people/audit-log.js';
import type { AgentView } from '../../../collector/people/agent-view.js';
import { snapshotStore } from '../../helpers/collector-fixture.js';
import {
  access,
  startLiveCollector,
  type LiveCollector,
} from '../live-collector.js';

describe('agent revocation', () => {
  let fx: LiveCollector;
  let agentId: string;

  beforeAll(async () => {
    fx = await startLiveCollector();
    agentId = fx.agent.identity.agentId;
  }, 60_000);

  afterAll(async () => {
    await fx?.close();
  });

  const auditLog = async () =>
    (
      await fx.api<{ entries: AuditEntry[] }>(
        'GET',
        '/v1/audit-log',
        fx.tokens.auditor,
      )
    ).body.entries;

  const rawPost = async (body: string) => {
    const res = await request(`${fx.collector.url}/v1/batches`, {
      method: 'POST',
      dispatcher: fx.sender.mtls,
      headers: { 'content-type': 'application/json' },
      body,
    });
    const reply = (await res.body.json()) as { error: { code: string } };
    return { status: res.statusCode, body: reply };
  };

  describe('when an agent is enrolled and not revoked', () => {
    it('accepts its batches', async () => {
      const res = await fx.sender.send([access('/srv/records/a.csv')]);
      expect(res.status).toBe(200);
    });
  });

  describe('when an admin revokes the agent', () => {
    it('refuses an analyst with 403 and changes nothing', async () => {
      const res = await fx.api(
        'POST',
        `/v1/agents/${agentId}/revoke`,
        fx.tokens.analyst,
        {},
      );
      expect(res.status).toBe(403);
      const agents = await fx.api<{ agents: AgentView[] }>(
        'GET',
        '/v1/agents',
        fx.tokens.analyst,
      );
      expect(agents.body.agents[0]!.state).toBe('ok');
    });

    it('marks the agent revoked with the reason, recorded in the audit log', async () => {
      const res = await fx.api<{ agent: AgentView; changed: boolean }>(
        'POST',
        `/v1/agents/${agentId}/revoke`,
        fx.tokens.admin,
        { reason: 'laptop reported stolen' },
      );
      expect(res.status).toBe(200);
      expect(res.body.changed).toBe(true);
      expect(res.body.agent).toMatchObject({
        id: agentId,
        state: 'revoked',
        revokedReason: 'laptop reported stolen',
      });
      expect(await auditLog()).toContainEqual(
        expect.objectContaining({
          actor: 'api:admin',
          action: 'agent.revoked',
          target: agentId,
          detail: { reason: 'laptop reported stolen' },
        }),
      );
    });

    it('answers a second revocation without changing anything', async () => {
      const res = await fx.api<{ changed: boolean }>(
        'POST',
        `/v1/agents/${agentId}/revoke`,
        fx.tokens.admin,
        {},
      );
      expect(res.body.changed).toBe(false);
    });

    it('answers 404 for an agent that was never enrolled', async () => {
      const res = await fx.api(
        'POST',
        '/v1/agents/acme-000000/revoke',
        fx.tokens.admin,
        {},
      );
      expect([res.status, res.body.error?.code]).toEqual([
        404,
        'VIGIL_NOT_FOUND',
      ]);
    });
  });

  describe('when the revoked agent sends again', () => {
    it('refuses its batch with 403 VIGIL_AGENT_REVOKED and stores nothing', async () => {
      const before = snapshotStore(fx.identity.dir);
      const res = await fx.sender.send([access('/srv/records/b.csv')]);
      expect(res.status).toBe(403);
      expect(res.body.error?.code).toBe('VIGIL_AGENT_REVOKED');
      const after = snapshotStore(fx.identity.dir);
      expect(after.events).toEqual(before.events);
      expect(after.batches).toEqual(before.batches);
    });

    it('refuses before reading the body: a broken body still gets 403', async () => {
      const res = await rawPost('{"this is": not json');
      expect([res.status, res.body.error.code]).toEqual([
        403,
        'VIGIL_AGENT_REVOKED',
      ]);
    });

    it('refuses its other routes too', async () => {
      const res = await request(`${fx.collector.url}/v1/designated`, {
        dispatcher: fx.sender.mtls,
      });
      expect(res.statusCode).toBe(403);
      await res.body.dump();
    });

    it('records the refusal once per interval in the audit log', async () => {
      const refused = (await auditLog()).filter(
        (e) => e.action === 'agent.refused',
      );
      expect(refused).toHaveLength(1);
      expect(refused[0]).toMatchObject({
        actor: `agent:${agentId}`,
        target: agentId,
        detail: { code: 'VIGIL_AGENT_REVOKED', route: '/v1/batches' },
      });
    });

    it('counts every refusal in the metrics, and the agent as revoked', async () => {
      const text = (await fx.api<string>('GET', '/metrics')).body;
      expect(text).toContain(
        'vigil_requests_refused_total{code="VIGIL_AGENT_REVOKED"} 3',
      );
      expect(text).toContain(
        'vigil_batches_rejected_total{code="VIGIL_AGENT_REVOKED"} 2',
      );
      expect(text).toContain('vigil_agents{state="revoked"} 1');
      expect(text).toContain('vigil_agents{state="ok"} 0');
    });
  });
});
