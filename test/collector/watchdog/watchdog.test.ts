import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AgentView } from '../../../collector/people/agent-view.js';
import type { ViolationPage } from '../../../collector/people/violation-reads.js';
import type {
  ViolationDetail,
  ViolationSummary,
} from '../../../collector/people/violation-view.js';
import {
  access,
  heartbeat,
  meta,
  startLiveCollector,
  type LiveCollector,
} from '../live-collector.js';

const MINUTE_MS = 60_000;
/** Short enough for a test to wait out, long against batch round trips. */
const SILENT_AFTER_MS = 2_500;

describe('watchdogs', () => {
  let fx: LiveCollector;

  beforeAll(async () => {
    fx = await startLiveCollector({
      watchdog: {
        silentAfterMs: SILENT_AFTER_MS,
        tickMs: 100,
        clockSkewMs: MINUTE_MS,
        clockConfirmMs: 0,
      },
    });
  }, 60_000);

  afterAll(async () => {
    await fx?.close();
  });

  async function violations(kind: string): Promise<ViolationSummary[]> {
    const res = await fx.api<ViolationPage>(
      'GET',
      `/v1/violations?kind=${kind}`,
      fx.tokens.auditor,
    );
    return res.body.violations;
  }

  async function detail(id: number): Promise<ViolationDetail> {
    return (
      await fx.api<ViolationDetail>(
        'GET',
        `/v1/violations/${id}`,
        fx.tokens.auditor,
      )
    ).body;
  }

  async function agentState(): Promise<string> {
    const res = await fx.api<{ agents: AgentView[] }>(
      'GET',
      '/v1/agents',
      fx.tokens.auditor,
    );
    return res.body.agents[0]!.state;
  }

  describe('agent.coverage', () => {
    it('raises a violation when a heartbeat reports a designated root missing', async () => {
      const sent = await fx.sender.send([heartbeat(['/srv/records'])]);
      expect(sent.status).toBe(200);
      const [v, ...rest] = await violations('agent.coverage');
      expect(rest).toEqual([]);
      expect(v).toMatchObject({
        policy: 'vigil.watchdog',
        rule: 'agent.coverage',
        status: 'open',
        severity: 'high',
        event: { seq: sent.events[0]!.seq, action: 'heartbeat' },
      });
      expect(v!.reason).toContain('/srv/records');
    });

    it('raises nothing new while the condition lasts', async () => {
      await fx.sender.send([heartbeat(['/srv/records'])]);
      expect(await violations('agent.coverage')).toHaveLength(1);
    });

    it('resolves it as "watchdog" when a heartbeat covers everything', async () => {
      await fx.sender.send([heartbeat([])]);
      const [v] = await violations('agent.coverage');
      expect(v!.status).toBe('resolved');
      const { history } = await detail(v!.id);
      expect(history).toEqual([
        expect.objectContaining({
          actor: 'watchdog',
          role: 'system',
          action: 'resolve',
          from: 'open',
          to: 'resolved',
          note: expect.stringContaining('condition cleared'),
        }),
      ]);
    });

    it('takes config.changed into account too', async () => {
      await fx.sender.send([
        meta('config.changed', { watched: [], missing: ['/srv/new'] }),
      ]);
      const open = (await violations('agent.coverage')).filter(
        (v) => v.status === 'open',
      );
      expect(open).toHaveLength(1);
      await fx.sender.send([heartbeat([])]);
      expect((await violations('agent.coverage')).map((v) => v.status)).toEqual(
        ['resolved', 'resolved'],
      );
    });
  });

  describe('agent.dropped', () => {
    it('raises one violation for losses, events.dropped or audit.lost', async () => {
      await fx.sender.send([
        meta('events.dropped', { count: 12, reason: 'spool full' }),
        access('/srv/other/x'),
      ]);
      await fx.sender.send([meta('audit.lost', { count: 3, lost_total: 3 })]);
      const [v, ...rest] = await violations('agent.dropped');
      expect(rest).toEqual([]);
      expect(v!.status).toBe('open');
      expect(v!.reason).toContain('12 event(s) dropped (spool full)');
      expect(v!.event?.action).toBe('events.dropped');
    });

    it('resolves it when a heartbeat follows without further loss', async () => {
      await fx.sender.send([heartbeat([])]);
      const [v] = await violations('agent.dropped');
      expect(v!.status).toBe('resolved');
    });
  });

  describe('agent.clock', () => {
    it("raises when a checkpoint comes from the agent's future", async () => {
      await fx.sender.send(
        [heartbeat([])],
        new Date(Date.now() + 10 * MINUTE_MS),
      );
      const [v] = await violations('agent.clock');
      expect(v).toMatchObject({ status: 'open', severity: 'medium' });
      expect(v!.reason).toMatch(/10m ahead/);
    });

    it('resolves when a checkpoint is on time again', async () => {
      await fx.sender.send([heartbeat([])]);
      expect((await violations('agent.clock'))[0]!.status).toBe('resolved');
    });

    it('raises when checkpoints keep coming from the past', async () => {
      await fx.sender.send(
        [heartbeat([])],
        new Date(Date.now() - 10 * MINUTE_MS),
      );
      const open = (await violations('agent.clock')).filter(
        (v) => v.status === 'open',
      );
      expect(open).toHaveLength(1);
      expect(open[0]!.reason).toMatch(/10m behind/);
      await fx.sender.send([heartbeat([])]);
    });
  });

  describe('agent.silent', () => {
    it('raises after no batch for the configured time; the agent is silent', async () => {
      const v = await until(async () =>
        (await violations('agent.silent')).find((x) => x.status === 'open'),
      );
      expect(v.reason).toContain('no batch or heartbeat since');
      // It points at the last event heard, the one silence started after.
      expect(v.event?.seq).toBe(fx.sender.lastSeq);
      expect(await agentState()).toBe('silent');
      const metrics = (await fx.api<string>('GET', '/metrics')).body;
      expect(metrics).toContain('vigil_agents{state="silent"} 1');
      expect(metrics).toContain(
        'vigil_watchdog_conditions{watch="agent.silent"} 1',
      );
    });

    it('resolves it when a batch arrives', async () => {
      await fx.sender.send([heartbeat([])]);
      const [v] = await violations('agent.silent');
      expect(v!.status).toBe('resolved');
      expect(await agentState()).toBe('ok');
    });
  });

  describe('when the agent is revoked', () => {
    it('closes what holds and never calls it silent', async () => {
      await fx.sender.send([heartbeat(['/srv/records'])]);
      const agent = fx.agent.identity.agentId;
      await fx.api('POST', `/v1/agents/${agent}/revoke`, fx.tokens.admin, {});
      const closed = await until(async () =>
        (await violations('agent.coverage')).every(
          (v) => v.status === 'resolved',
        )
          ? true
          : undefined,
      );
      expect(closed).toBe(true);
      const last = (await violations('agent.coverage')).at(-1)!;
      expect((await detail(last.id)).history[0]!.note).toContain(
        'agent revoked',
      );
      await new Promise((r) => setTimeout(r, SILENT_AFTER_MS + 500));
      expect(await agentState()).toBe('revoked');
      const silent = await violations('agent.silent');
      expect(silent.filter((v) => v.status === 'open')).toEqual([]);
    });
  });
});

/** Polls `check` every 100 ms until it gives a value (10 s at most). */
async function until<T>(check: () => Promise<T | undefined>): Promise<T> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error('condition not reached');
    await new Promise((r) => setTimeout(r, 100));
  }
}
