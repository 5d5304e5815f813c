import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { auditStatus } from '../../../agent/audit/audit-status.js';
import { AuditSensor } from '../../../agent/audit/audit-sensor.js';
import { listRules, removeRules } from '../../../agent/audit/rules.js';
import type { CapturedEvent } from '../../../protocol/event.js';
import { requireLiveAudit, SKIP_LIVE, waitFor } from './live.js';

const KEY = `vigil-g${process.pid}`;
const FAST = { flushMs: 300, pollMs: 50, ruleCheckMs: 500 };

function cat(path: string): void {
  spawnSync('cat', [path], { stdio: 'ignore' });
}

describe.skipIf(SKIP_LIVE)('AuditSensor rule check (live)', () => {
  let base: string;
  let sensor: AuditSensor | undefined;
  let events: CapturedEvent[];

  const degraded = () => events.filter((e) => e.action === 'sensor.degraded');
  const readOf = (path: string) =>
    events.some((e) => e.action === 'read' && e.path === path);

  async function startOn(paths: string[], name: string): Promise<void> {
    events = [];
    sensor = new AuditSensor(
      { paths, key: KEY, checkpointFile: join(base, `${name}.cp`), ...FAST },
      (event) => events.push(event),
    );
    await sensor.start();
  }

  function makeDir(name: string): string {
    const dir = join(base, name);
    mkdirSync(dir);
    writeFileSync(join(dir, 'file'), 'x\n');
    return dir;
  }

  beforeAll(() => {
    requireLiveAudit();
    base = mkdtempSync(join(tmpdir(), 'vigil-guard-'));
  });

  afterEach(async () => {
    await sensor?.stop();
    sensor = undefined;
  });

  afterAll(async () => {
    await removeRules(KEY).catch(() => undefined);
    rmSync(base, { recursive: true, force: true });
  });

  describe('when an administrator deletes every rule of its key', () => {
    it('reports sensor.degraded, puts them back and captures again', async () => {
      const a = makeDir('all-a');
      const b = makeDir('all-b');
      await startOn([a, b], 'all');
      const installed = await listRules(KEY);
      expect(installed).toHaveLength(2);

      execFileSync('auditctl', ['-D', '-k', KEY]);
      await waitFor(() => degraded().length > 0, 'sensor.degraded', 5_000);
      expect(degraded()).toEqual([
        expect.objectContaining({
          source: 'agent',
          outcome: 'failed',
          user: null,
          process: null,
          detail: {
            sensor: 'audit',
            reason: 'audit rules removed',
            missing: [a, b],
          },
        }),
      ]);
      // The event follows the re-install.
      expect(await listRules(KEY)).toEqual(installed);

      cat(join(b, 'file'));
      await waitFor(() => readOf(join(b, 'file')), 'the read after');
    });
  });

  describe('when one rule is deleted by its spec', () => {
    it('names only that path as missing', async () => {
      const a = makeDir('one-a');
      const b = makeDir('one-b');
      await startOn([a, b], 'one');
      const rule = (await listRules(KEY)).find((r) => r.includes(`dir=${b} `));
      expect(rule).toBeDefined();
      execFileSync('auditctl', [
        '-d',
        'always,exit',
        '-F',
        `dir=${b}`,
        '-F',
        'perm=rwxa',
        '-F',
        `pid!=${process.pid}`,
        '-k',
        KEY,
      ]);
      await waitFor(() => degraded().length > 0, 'sensor.degraded', 5_000);
      expect(degraded().map((e) => e.detail?.missing)).toEqual([[b]]);
      expect(await listRules(KEY)).toContain(rule);
      cat(join(b, 'file'));
      await waitFor(() => readOf(join(b, 'file')), 'the read after');
    });
  });

  describe('when a watched directory is removed', () => {
    it('reports it once as missing and not restorable', async () => {
      const a = makeDir('gone-a');
      const b = makeDir('gone-b');
      await startOn([a, b], 'gone');
      rmSync(b, { recursive: true }); // the kernel drops its dir= rule
      await waitFor(() => degraded().length > 0, 'sensor.degraded', 5_000);
      await new Promise((resolve) => setTimeout(resolve, 1_500)); // 3 checks
      expect(degraded().map((e) => e.detail)).toEqual([
        {
          sensor: 'audit',
          reason: 'audit rules removed',
          missing: [b],
          unrestored: [b],
        },
      ]);
      expect(await listRules(KEY)).toHaveLength(1);
    });
  });

  describe('when it starts', () => {
    it('sets the kernel queue as Auditbeat does', async () => {
      const before = await auditStatus();
      try {
        execFileSync('auditctl', ['--backlog_wait_time', '15000']);
        await startOn([makeDir('tune')], 'tune');
        const status = await auditStatus();
        expect(status.backlogLimit).toBeGreaterThanOrEqual(8192);
        expect(status.backlogWaitTime).toBe(0);
        expect(status.rateLimit).toBe(0);
      } finally {
        execFileSync('auditctl', [
          '--backlog_wait_time',
          String(before.backlogWaitTime),
        ]);
      }
    });
  });
});
