import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditStatus } from '../../../agent/audit/audit-status.js';
import { AuditSensor } from '../../../agent/audit/audit-sensor.js';
import { removeRules } from '../../../agent/audit/rules.js';
import { requireLiveAudit, SKIP_LIVE, waitFor } from './live.js';

const KEY = `vigil-b${process.pid}`;
const FILES = 10_000;
/** The log has settled once no record came for this long. */
const QUIET_MS = 2_000;

/** Runs `script` in sh and resolves with its exit code. */
function sh(script: string): Promise<number | null> {
  return new Promise((resolve, reject) => {
    const child = spawn('sh', ['-c', script], { stdio: 'ignore' });
    child.on('error', reject);
    child.on('exit', resolve);
  });
}

describe.skipIf(SKIP_LIVE)('AuditSensor under a burst (live)', () => {
  let base: string;

  beforeAll(() => {
    requireLiveAudit();
    base = mkdtempSync(join(tmpdir(), 'vigil-burst-'));
  });

  afterAll(async () => {
    await removeRules(KEY).catch(() => undefined);
    rmSync(base, { recursive: true, force: true });
  });

  describe('when a process creates 10,000 files in a tight loop', () => {
    it('delivers each create once, or a loss counts every one missing', async () => {
      const dir = join(base, 'data');
      mkdirSync(dir);
      const creates = new Map<string, number>();
      let lost = 0;
      const sensor = new AuditSensor(
        {
          paths: [dir],
          key: KEY,
          checkpointFile: join(base, 'cp'),
          flushMs: 300,
          pollMs: 50,
          ruleCheckMs: 500,
        },
        (event) => {
          if (event.action === 'audit.lost') {
            lost += event.detail?.count as number;
          } else if (event.action === 'create' && event.path !== undefined) {
            creates.set(event.path, (creates.get(event.path) ?? 0) + 1);
          }
        },
      );
      const before = (await auditStatus()).lost;
      await sensor.start();

      const started = Date.now();
      const loop = `cd '${dir}' && i=1; while [ $i -le ${FILES} ]; do : > f$i; i=$((i+1)); done`;
      expect(await sh(loop)).toBe(0);
      const loopMs = Date.now() - started;
      await settled(sensor, () => creates.size >= FILES);
      await sensor.stop();
      const after = (await auditStatus()).lost;

      console.info(
        `burst: ${FILES} creates in ${loopMs} ms, ${creates.size} delivered ` +
          `after ${Date.now() - started} ms, kernel lost ${after - before}, ` +
          `reported lost ${lost}`,
      );
      expect([...creates.values()].every((n) => n === 1)).toBe(true);
      const names = [...creates.keys()].map((p) => p.slice(dir.length + 1));
      expect(names.every((n) => /^f([1-9]\d*)$/.test(n))).toBe(true);
      // Reported losses are the kernel's count, never more.
      expect(lost).toBeLessThanOrEqual(after - before);
      if (lost === 0) {
        expect(creates.size).toBe(FILES);
      } else {
        // The kernel counts records, several to an event: a floor.
        expect(FILES - creates.size).toBeLessThanOrEqual(lost);
      }
    }, 60_000);
  });
});

/** Waits until `done`, or until the sensor read no record for QUIET_MS. */
async function settled(sensor: AuditSensor, done: () => boolean) {
  let records = -1;
  let since = Date.now();
  await waitFor(
    () => {
      if (done()) return true;
      if (sensor.stats.records !== records) {
        records = sensor.stats.records;
        since = Date.now();
      }
      return Date.now() - since > QUIET_MS;
    },
    'the burst to be read',
    50_000,
  );
}
