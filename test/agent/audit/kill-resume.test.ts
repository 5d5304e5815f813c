import { spawnSync } from 'node:child_process';
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
import { readCheckpoint } from '../../../agent/audit/checkpoint.js';
import { removeRules } from '../../../agent/audit/rules.js';
import { checkpointWrites } from './checkpoint-trace.js';
import { requireLiveAudit, SKIP_LIVE, waitFor } from './live.js';
import {
  buildSensorChild,
  eventsIn,
  HAVE_STRACE,
  startSensorProcess,
  type SensorProcess,
} from './sensor-process.js';

const KEY = `vigil-k${process.pid}`;
/** Sensor processes killed with SIGKILL before the one stopped normally. */
const KILLS = 3;
/** Files read in each step: while up, just before the kill, while down. */
const BATCH = 16;
const FAST = { flushMs: 300, pollMs: 50, ruleCheckMs: 1_000 };

/** Polls `check` every millisecond: a kill must land within a batch. */
async function until(check: () => boolean, timeoutMs = 10_000) {
  const end = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((resolve) => setTimeout(resolve, 1));
  }
}

if (!SKIP_LIVE && !HAVE_STRACE) {
  console.warn('checkpoint write trace skipped: strace is not installed');
}

describe.skipIf(SKIP_LIVE)('AuditSensor killed with SIGKILL (live)', () => {
  let base: string;
  let script: string;
  const running = new Set<number>();

  beforeAll(() => {
    requireLiveAudit();
    base = mkdtempSync(join(tmpdir(), 'vigil-kill-'));
    script = buildSensorChild(join(base, 'build'));
  });

  afterAll(async () => {
    for (const pid of running) process.kill(pid, 'SIGKILL');
    await removeRules(KEY).catch(() => undefined);
    rmSync(base, { recursive: true, force: true });
  });

  /** Makes directory `name` holding `count` files; returns the files. */
  function watchedDir(name: string, count: number): string[] {
    const dir = join(base, name);
    mkdirSync(dir);
    const files = Array.from({ length: count }, (_, i) => join(dir, `f${i}`));
    for (const file of files) writeFileSync(file, 'x\n');
    return files;
  }

  async function start(
    paths: string[],
    name: string,
    traceFile?: string,
  ): Promise<SensorProcess> {
    const options = {
      paths,
      key: KEY,
      checkpointFile: join(base, `${name}.cp`),
      ...FAST,
    };
    const child = await startSensorProcess(
      script,
      options,
      join(base, `${name}.jsonl`),
      traceFile,
    );
    running.add(child.pid);
    void child.exited.then(() => running.delete(child.pid));
    return child;
  }

  function readsIn(name: string): Map<string, number[]> {
    const reads = new Map<string, number[]>();
    for (const event of eventsIn(join(base, `${name}.jsonl`))) {
      if (event.action !== 'read' || event.path === undefined) continue;
      const serials = reads.get(event.path) ?? [];
      serials.push(event.audit?.serial ?? -1);
      reads.set(event.path, serials);
    }
    return reads;
  }

  const cat = (files: string[]) =>
    files.forEach((file) => spawnSync('cat', [file], { stdio: 'ignore' }));

  describe('when it is killed and restarted from its checkpoint, again and again', () => {
    it('delivers every access, made up or down, exactly once', async () => {
      const files = watchedDir('kill', (KILLS * 3 + 1) * BATCH);
      const batches = Array.from({ length: KILLS * 3 + 1 }, (_, i) =>
        files.slice(i * BATCH, (i + 1) * BATCH),
      );
      const delivered =
        (batch: string[] = []) =>
        () =>
          batch.every((file) => readsIn('kill').has(file));
      const outFile = join(base, 'kill.jsonl');
      let cut = 0; // kills that landed inside a batch being handed on

      for (let round = 0; round < KILLS; round += 1) {
        const [up, beforeKill, down] = batches.slice(round * 3, round * 3 + 3);
        const child = await start([join(base, 'kill')], 'kill');
        cat(up ?? []);
        await waitFor(delivered(up), `round ${round}: reads while up`);
        // The kill lands as the first of these is handed on, while the
        // rest are on their way and the checkpoint not yet saved.
        const before = statSync(outFile).size;
        cat(beforeKill ?? []);
        await until(() => statSync(outFile).size > before);
        process.kill(child.pid, 'SIGKILL');
        await child.exited;
        const handed = (beforeKill ?? []).filter((f) => readsIn('kill').has(f));
        if (handed.length < BATCH) cut += 1;
        expect(readCheckpoint(join(base, 'kill.cp'))).toBeDefined();
        cat(down ?? []); // logged under the dead process's rules
      }
      const last = await start([join(base, 'kill')], 'kill');
      cat(batches.at(-1) ?? []);
      await waitFor(delivered(files), 'every read', 20_000);
      process.kill(last.pid, 'SIGTERM');
      await last.exited;

      console.info(`kill -9: ${cut} of ${KILLS} kills cut a batch short`);
      const reads = readsIn('kill');
      expect([...reads.keys()].sort()).toEqual([...files].sort());
      const serials = [...reads.values()].flat();
      expect(serials.filter((s) => s > 0)).toHaveLength(files.length);
      expect(new Set(serials).size).toBe(files.length);
    }, 60_000);
  });

  describe.skipIf(!HAVE_STRACE)('when it saves its checkpoint', () => {
    it('writes a temporary file, fsyncs it, renames it over', async () => {
      const files = watchedDir('trace', BATCH);
      const trace = join(base, 'trace.strace');
      const child = await start([join(base, 'trace')], 'trace', trace);
      cat(files);
      await waitFor(() => readsIn('trace').size === files.length, 'reads');
      process.kill(child.pid, 'SIGTERM');
      await child.exited;

      const writes = checkpointWrites(trace, join(base, 'trace.cp'));
      expect(writes.inPlace).toBe(0);
      expect(writes.renames.length).toBeGreaterThanOrEqual(2);
      for (const rename of writes.renames) {
        expect(rename).toEqual({ synced: true, closed: true, dirSynced: true });
      }
    }, 60_000);
  });
});
