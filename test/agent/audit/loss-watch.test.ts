import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AuditSensor } from '../../../agent/audit/audit-sensor.js';
import { removeRules } from '../../../agent/audit/rules.js';
import type { CapturedEvent } from '../../../protocol/event.js';
import {
  auditStatus,
  type AuditStatus,
} from '../../../agent/audit/audit-status.js';
import {
  bootId,
  lostSince,
  LossWatch,
} from '../../../agent/audit/loss-watch.js';
import { requireLiveAudit, SKIP_LIVE, waitFor } from './live.js';

/** A status reader that answers with each of `lost` in turn. */
function counter(...lost: number[]): () => Promise<AuditStatus> {
  const queue = [...lost];
  return () => {
    const next = queue.shift();
    if (next === undefined) throw new Error('read the counter too often');
    return Promise.resolve({
      enabled: 1,
      pid: 1,
      lost: next,
      backlog: 0,
      backlogLimit: 8192,
      backlogWaitTime: 0,
      rateLimit: 0,
    });
  };
}

describe('lostSince', () => {
  describe('when compared with the last reported value', () => {
    it.each([
      ['no mark yet', undefined, 7, undefined],
      ['an unchanged counter', 7, 7, undefined],
      ['a rise', 7, 12, { count: 5, total: 12, reset: false }],
      [
        'a reset to what was lost since',
        7,
        3,
        { count: 3, total: 3, reset: true },
      ],
      ['a reset to zero', 7, 0, undefined],
    ])('reports %s', (_why, before, now, expected) => {
      const mark =
        before === undefined ? undefined : { boot: 'b', lost: before };
      expect(lostSince(mark, { boot: 'b', lost: now })).toEqual(expected);
    });
  });

  describe('when the mark is of an earlier boot', () => {
    it('takes the counter as a new baseline', () => {
      expect(lostSince({ boot: 'a', lost: 2 }, { boot: 'b', lost: 40 })).toBe(
        undefined,
      );
    });
  });
});

describe('LossWatch', () => {
  describe('when the counter rises between checks', () => {
    it('reports each increase once, with the kernel total', async () => {
      const watch = new LossWatch(counter(10, 10, 14, 20), 'boot-1');
      expect(await watch.begin(undefined)).toBeUndefined();
      expect(await watch.check()).toBeUndefined();
      const first = await watch.check();
      const second = await watch.check();
      expect([first?.detail, second?.detail]).toEqual([
        { sensor: 'audit', count: 4, lost_total: 14 },
        { sensor: 'audit', count: 6, lost_total: 20 },
      ]);
      expect(first).toMatchObject({
        source: 'agent',
        action: 'audit.lost',
        outcome: 'failed',
        user: null,
        process: null,
      });
      expect(watch.mark).toEqual({ boot: 'boot-1', lost: 20 });
    });
  });

  describe('when it resumes from a mark saved by an earlier run', () => {
    it('reports what was lost while it was stopped', async () => {
      const watch = new LossWatch(counter(9), 'boot-1');
      const event = await watch.begin({ boot: 'boot-1', lost: 5 });
      expect(event?.detail).toEqual({
        sensor: 'audit',
        count: 4,
        lost_total: 9,
      });
    });

    it('reports nothing after a reboot, whose counter starts anew', async () => {
      const watch = new LossWatch(counter(3), 'boot-2');
      expect(await watch.begin({ boot: 'boot-1', lost: 900 })).toBeUndefined();
      expect(watch.mark).toEqual({ boot: 'boot-2', lost: 3 });
    });
  });

  describe('when someone reset the counter', () => {
    it('reports what it counted since, marked as a reset', async () => {
      const watch = new LossWatch(counter(50, 2), 'b');
      await watch.begin(undefined);
      expect((await watch.check())?.detail).toEqual({
        sensor: 'audit',
        count: 2,
        lost_total: 2,
        counter_reset: true,
      });
    });
  });
});

describe.skipIf(SKIP_LIVE)('AuditSensor and the lost counter (live)', () => {
  const key = `vigil-l${process.pid}`;
  let dir: string;

  beforeAll(() => {
    requireLiveAudit();
    dir = mkdtempSync(join(tmpdir(), 'vigil-lost-'));
  });

  afterAll(async () => {
    await removeRules(key).catch(() => undefined);
    rmSync(dir, { recursive: true, force: true });
  });

  /** The machine's real status with the lost counter at `lost.value`. */
  function reader(lost: { value: number }) {
    return async () => ({ ...(await auditStatus()), lost: lost.value });
  }

  describe('when records are lost while it runs, at stop and while stopped', () => {
    it('reports each rise once, across a restart', async () => {
      const lost = { value: 100 };
      const events: CapturedEvent[] = [];
      const options = {
        paths: [dir],
        key,
        checkpointFile: join(dir, 'cp'),
        pollMs: 50,
        ruleCheckMs: 100,
        statusReader: reader(lost),
      };
      const first = new AuditSensor(options, (e) => events.push(e));
      await first.start();
      lost.value = 103;
      await waitFor(() => events.length === 1, 'the first report');
      lost.value = 104; // read by stop(), before the next check
      await first.stop({ keepRules: true });
      lost.value = 110; // while no sensor runs
      const second = new AuditSensor(options, (e) => events.push(e));
      await second.start();
      await second.stop();
      expect(events.map((e) => [e.action, e.detail?.count])).toEqual([
        ['audit.lost', 3],
        ['audit.lost', 1],
        ['audit.lost', 6],
      ]);
      expect(events[2]?.detail?.lost_total).toBe(110);
    });
  });
});

describe.skipIf(SKIP_LIVE)('LossWatch on this machine (live)', () => {
  describe('when it reads the kernel', () => {
    it('holds the counter auditctl -s prints, on this boot', async () => {
      requireLiveAudit();
      const watch = new LossWatch(auditStatus);
      await watch.begin(undefined);
      const printed = execFileSync('auditctl', ['-s'], { encoding: 'utf8' });
      const lost = Number(/^lost (\d+)$/m.exec(printed)?.[1]);
      // Other processes may lose records meanwhile; never fewer than read.
      expect(watch.mark?.lost).toBeLessThanOrEqual(lost);
      expect(watch.mark?.lost).toBeGreaterThanOrEqual(0);
      expect(watch.mark?.boot).toBe(bootId());
      expect(bootId()).toMatch(/^[0-9a-f-]{36}$/);
    });
  });
});
