import { execFileSync, spawn } from 'node:child_process';
import {
  mkdirSync,
  mkdtempSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AUDIT_LOG_FILE } from '../../../agent/audit/availability.js';
import { AuditSensor } from '../../../agent/audit/audit-sensor.js';
import { removeRules } from '../../../agent/audit/rules.js';
import { requireLiveAudit, SKIP_LIVE, waitFor } from './live.js';

const KEY = `vigil-o${process.pid}`;
const READS = 600;
const ROTATIONS = 3;
/** Pause between rotations, while the reads go on. */
const ROTATE_EVERY_MS = 300;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The live log's inode; undefined for the moment auditd renames it. */
function logInode(): number | undefined {
  try {
    return statSync(AUDIT_LOG_FILE).ino;
  } catch {
    return undefined;
  }
}

describe.skipIf(SKIP_LIVE)('AuditSensor across log rotation (live)', () => {
  let base: string;

  beforeAll(() => {
    requireLiveAudit();
    base = mkdtempSync(join(tmpdir(), 'vigil-rotation-'));
  });

  afterAll(async () => {
    await removeRules(KEY).catch(() => undefined);
    rmSync(base, { recursive: true, force: true });
  });

  describe('when auditd rotates while accesses go on without pause', () => {
    it('delivers every access before, during and after, once', async () => {
      const dir = join(base, 'data');
      mkdirSync(dir);
      for (let i = 1; i <= READS; i += 1)
        writeFileSync(join(dir, `r${i}`), 'x\n');
      const reads = new Map<string, number>();
      const sensor = new AuditSensor(
        {
          paths: [dir],
          key: KEY,
          checkpointFile: join(base, 'cp'),
          flushMs: 300,
          pollMs: 50,
        },
        (event) => {
          if (event.action !== 'read' || event.path === undefined) return;
          reads.set(event.path, (reads.get(event.path) ?? 0) + 1);
        },
      );
      await sensor.start();

      // One shell reads each file in turn (a builtin read, no fork), with
      // a short sleep every 20 files so the reads span the rotations.
      const script =
        `cd '${dir}' && i=1; while [ $i -le ${READS} ]; do ` +
        `read x < r$i; [ $((i % 20)) -eq 0 ] && sleep 0.05; i=$((i+1)); done`;
      const reader = spawn('sh', ['-c', script], { stdio: 'ignore' });
      let readerDone = false;
      const exited = new Promise((resolve) => reader.on('exit', resolve));
      void exited.then(() => (readerDone = true));
      const inodes = [logInode()];
      await waitFor(() => reads.size > 0, 'the first reads');
      for (let n = 0; n < ROTATIONS; n += 1) {
        if (n > 0) await sleep(ROTATE_EVERY_MS);
        execFileSync('auditctl', ['--signal', 'USR1']);
        const last = inodes.at(-1);
        await waitFor(
          () => ![undefined, last].includes(logInode()),
          'rotation',
        );
        inodes.push(logInode());
      }
      const during = readerDone;
      await exited;
      await waitFor(() => reads.size >= READS, 'every read', 20_000);
      await sensor.stop();

      expect(during).toBe(false); // the reads went on past the last rotation
      expect(new Set(inodes).size).toBe(ROTATIONS + 1);
      expect(reads.size).toBe(READS);
      expect([...reads.values()].every((n) => n === 1)).toBe(true);
    });
  });
});
