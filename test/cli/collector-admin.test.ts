import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { UserView } from '../../collector/people/api-users.js';
import { hashToken } from '../../collector/enroll.js';
import type { AgentView } from '../../collector/people/agent-view.js';
import { snapshotStore } from '../helpers/collector-fixture.js';
import {
  access,
  startLiveCollector,
  type LiveCollector,
} from '../collector/live-collector.js';
import { runVigil } from './run-vigil.js';

describe('vigil collector (admin commands)', () => {
  let fx: LiveCollector;
  let data: string[];

  beforeAll(async () => {
    fx = await startLiveCollector();
    data = ['--data', fx.identity.dir];
  }, 60_000);

  afterAll(async () => {
    await fx?.close();
  });

  describe('user add', () => {
    let token: string;

    it('prints the token once and stores only its SHA-256', async () => {
      const out = await runVigil([
        'collector',
        'user',
        'add',
        ...data,
        '--name',
        'frank',
        '--role',
        'analyst',
      ]);
      expect(out.code).toBe(0);
      token = /^token: (\S+)$/m.exec(out.stdout)![1]!;
      expect(out.stdout).toContain('shown once');
      const row = (
        snapshotStore(fx.identity.dir).api_users as Record<string, unknown>[]
      ).find((u) => u.name === 'frank');
      expect(row).toMatchObject({
        role: 'analyst',
        token_hash: hashToken(token),
        created_by: expect.stringMatching(/^local:/),
      });
      expect(JSON.stringify(row)).not.toContain(token);
    });

    it('gives a token the running collector accepts', async () => {
      const res = await fx.api('GET', '/v1/violations', token);
      expect(res.status).toBe(200);
    });

    it('lists users without their tokens', async () => {
      const out = await runVigil([
        'collector',
        'user',
        'list',
        ...data,
        '--json',
      ]);
      const users = JSON.parse(out.stdout) as UserView[];
      expect(users.map((u) => u.name)).toContain('frank');
      expect(out.stdout).not.toContain(token);
    });

    it('refuses a taken name and an unknown role', async () => {
      const taken = await runVigil([
        'collector',
        'user',
        'add',
        ...data,
        '--name',
        'frank',
        '--role',
        'admin',
      ]);
      expect(taken.code).toBe(1);
      expect(taken.stderr).toMatch(/^vigil: VIGIL_USER_EXISTS: /);
      const role = await runVigil([
        'collector',
        'user',
        'add',
        ...data,
        '--name',
        'gil',
        '--role',
        'boss',
      ]);
      expect(role.stderr).toMatch(/^vigil: VIGIL_USER_INVALID: role: "boss"/);
    });

    it('removes a user, whose token then answers 401', async () => {
      const out = await runVigil([
        'collector',
        'user',
        'remove',
        ...data,
        '--name',
        'frank',
      ]);
      expect(out.code).toBe(0);
      expect((await fx.api('GET', '/v1/violations', token)).status).toBe(401);
    });
  });

  describe('revoke', () => {
    it('revokes the agent; its next real request is refused', async () => {
      expect(
        (await fx.sender.send([access('/srv/records/a.csv')])).status,
      ).toBe(200);
      const agent = fx.agent.identity.agentId;
      const out = await runVigil([
        'collector',
        'revoke',
        ...data,
        '--agent',
        agent,
        '--reason',
        'contract ended',
      ]);
      expect(out.code).toBe(0);
      expect(out.stdout).toContain(`agent ${agent} revoked at`);
      const res = await fx.sender.send([access('/srv/records/b.csv')]);
      expect([res.status, res.body.error?.code]).toEqual([
        403,
        'VIGIL_AGENT_REVOKED',
      ]);
      const agents = await fx.api<{ agents: AgentView[] }>(
        'GET',
        '/v1/agents',
        fx.tokens.auditor,
      );
      expect(agents.body.agents[0]).toMatchObject({
        state: 'revoked',
        revokedReason: 'contract ended',
      });
      const log = snapshotStore(fx.identity.dir).audit_log as Record<
        string,
        unknown
      >[];
      expect(log.map((e) => e.action)).toEqual(
        expect.arrayContaining(['agent.revoked', 'agent.refused']),
      );
    });

    it('says so when the agent was already revoked', async () => {
      const agent = fx.agent.identity.agentId;
      const out = await runVigil([
        'collector',
        'revoke',
        ...data,
        '--agent',
        agent,
      ]);
      expect(out.stdout).toContain('was already revoked');
    });

    it('refuses an unknown agent with VIGIL_NOT_FOUND', async () => {
      const out = await runVigil([
        'collector',
        'revoke',
        ...data,
        '--agent',
        'nobody-1',
      ]);
      expect(out.code).toBe(1);
      expect(out.stderr).toMatch(
        /^vigil: VIGIL_NOT_FOUND: agent: no agent "nobody-1"/,
      );
    });

    it('lists the agent as revoked', async () => {
      const out = await runVigil(['collector', 'agents', ...data]);
      expect(out.stdout).toMatch(/vendor acme host \S+: revoked \d{4}-/);
    });
  });

  describe('backup', () => {
    it('writes a copy that is never replaced', async () => {
      const out = join(fx.root, 'backup.db');
      const first = await runVigil([
        'collector',
        'backup',
        ...data,
        '--out',
        out,
      ]);
      expect(first.code).toBe(0);
      expect(first.stdout).toMatch(/1 events, 1 batches, \d+ violations/);
      expect(existsSync(out) && statSync(out).mode & 0o777).toBe(0o600);
      const again = await runVigil([
        'collector',
        'backup',
        ...data,
        '--out',
        out,
      ]);
      expect(again.code).toBe(1);
      expect(again.stderr).toMatch(
        /^vigil: VIGIL_BACKUP_FAILED: --out: cannot create/,
      );
    });
  });

  describe('serve', () => {
    it('refuses a watchdog interval it cannot read, before starting', async () => {
      const out = await runVigil([
        'collector',
        'serve',
        ...data,
        '--policies',
        fx.root,
        '--silent-after',
        'soon',
      ]);
      expect(out.code).toBe(1);
      expect(out.stderr).toMatch(
        /^vigil: VIGIL_DURATION_INVALID: --silent-after/,
      );
    });
  });
});
