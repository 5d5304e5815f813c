import { spawn } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fillStore } from './export-store.js';
import type { BenchGroup, Benchmark } from './harness.js';

const EVENTS = 1_000_000;
const EVENTS_QUICK = 20_000;
/** The built CLI, beside this file's folder in dist/. */
const CLI = resolve(import.meta.dirname, '..', 'cli', 'main.js');
/** Every event of the filled store falls in this range. */
const RANGE = [
  '--from',
  '2026-01-01T00:00:00Z',
  '--to',
  '2027-01-01T00:00:00Z',
];
const PEAK_POLL_MS = 20;

/** A CLI run: seconds of wall time and the process's peak RSS (VmHWM). */
interface CliRun {
  seconds: number;
  peakMiB: number;
}

interface RoundRuns {
  exported: CliRun;
  verified: CliRun;
}

/**
 * `vigil export` of a whole store of a million events, then `vigil verify`
 * of the bundle, each as the built CLI in its own process: events per
 * second and peak RSS. Kept apart from the other benchmarks because the
 * export is being rewritten to stream (issue 8).
 */
export const exportVerifyGroup: BenchGroup = {
  name: 'export-verify',
  rounds: 2,
  quickRounds: 1,
  async setup({ quick, scratch }) {
    const dir = join(scratch, 'export');
    mkdirSync(dir);
    const events = quick ? EVENTS_QUICK : EVENTS;
    const filled = await fillStore(dir, events);
    const { dataDir } = filled;
    console.error(
      `export-verify: store of ${events} events filled in ${filled.seconds.toFixed(1)} s`,
    );
    const bundle = join(dir, 'bundle.json');
    let last: { round: number; runs: RoundRuns } | undefined;
    const measure = async (round: number) => {
      if (last?.round !== round) {
        rmSync(bundle, { force: true });
        const exported = await runCli([
          'export',
          '--data',
          dataDir,
          ...RANGE,
          '--out',
          bundle,
        ]);
        const verified = await runCli([
          'verify',
          bundle,
          '--ca',
          join(dataDir, 'ca.pem'),
        ]);
        last = { round, runs: { exported, verified } };
      }
      return last.runs;
    };
    const what = `${events.toLocaleString('en-US')} events of 2 agents`;
    const fig = (
      name: string,
      unit: string,
      measures: string,
      pick: (r: RoundRuns) => number,
    ): Benchmark => ({
      name,
      unit,
      measures,
      async run(round) {
        return { value: pick(await measure(round)) };
      },
    });
    return [
      fig(
        'export',
        'events/s',
        `\`vigil export\` of ${what} to one bundle file, wall time of the process`,
        (r) => events / r.exported.seconds,
      ),
      fig(
        'export peak RSS',
        'MiB',
        `peak RSS (VmHWM) of that \`vigil export\` process`,
        (r) => r.exported.peakMiB,
      ),
      fig(
        'verify',
        'events/s',
        `\`vigil verify\` of that bundle against the CA, wall time of the process`,
        (r) => events / r.verified.seconds,
      ),
      fig(
        'verify peak RSS',
        'MiB',
        `peak RSS (VmHWM) of that \`vigil verify\` process`,
        (r) => r.verified.peakMiB,
      ),
    ];
  },
};

/**
 * Runs `vigil …` to completion, polling its peak RSS from /proc; throws
 * with its stderr when it fails.
 */
function runCli(args: string[]): Promise<CliRun> {
  const start = performance.now();
  const child = spawn(process.execPath, [CLI, ...args], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString('utf8')).slice(-2000);
  });
  let peakKiB = 0;
  const timer = setInterval(() => {
    peakKiB = Math.max(peakKiB, peakOf(child.pid));
  }, PEAK_POLL_MS);
  return new Promise((resolvePromise, reject) => {
    child.once('exit', (code) => {
      clearInterval(timer);
      const seconds = (performance.now() - start) / 1000;
      if (code === 0) resolvePromise({ seconds, peakMiB: peakKiB / 1024 });
      else reject(new Error(`vigil ${args[0]} exited ${code}: ${stderr}`));
    });
  });
}

/** VmHWM of `pid` in KiB; 0 once the process is gone. */
function peakOf(pid: number | undefined): number {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    return Number(/^VmHWM:\s+(\d+) kB$/m.exec(status)?.[1] ?? 0);
  } catch {
    return 0;
  }
}
