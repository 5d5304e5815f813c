import { fork, type ChildProcess } from 'node:child_process';
import { mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { enrollAgent } from '../agent/enroll.js';
import { initDataDir, openStore } from '../collector/data-dir.js';
import { createEnrollToken } from '../collector/enroll.js';
import { defaultIngestWorkers } from '../collector/ingest/open-pool.js';
import { createLogger } from '../collector/log.js';
import { serveCollector, type RunningCollector } from '../collector/serve.js';
import type { WorkerCommand, WorkerReply } from './ingest-worker.js';
import { generatedPolicy } from './policy-eval-data.js';

/** What one timed round of sending measured. */
export interface IngestRound {
  events: number;
  seconds: number;
  /** CPU time of this process, which runs the collector, in microseconds. */
  collectorCpuMicros: number;
  /** Per agent, the seqs stored this round: [first, last]. */
  ranges: Map<string, [number, number]>;
}

interface Worker {
  agent: string;
  child: ChildProcess;
}

/**
 * A real collector (serveCollector, HTTPS with mTLS, info logs to a file)
 * in this process, with generated policies, and agents enrolled over
 * HTTPS, each in its own process (ingest-worker.ts) that pre-builds sealed
 * batches and posts them when told. This process does nothing else while
 * a round is timed, so its CPU time is the collector's.
 */
export class IngestRig {
  /** Policies in force; agents generate events that match them. */
  private policies: number;

  private constructor(
    readonly dir: string,
    readonly dataDir: string,
    private readonly policiesDir: string,
    private readonly collector: RunningCollector,
    private readonly workers: Worker[],
    policies: number,
  ) {
    this.policies = policies;
  }

  static async start(dir: string, agents: number, policies: number) {
    const dataDir = join(dir, 'collector');
    const identity = initDataDir(dataDir);
    const policiesDir = join(dir, 'policies');
    writePolicies(policiesDir, policies);
    const collector = await serveCollector({
      dataDir,
      listen: '127.0.0.1:0',
      policiesDir,
      ingestWorkers: Number(
        process.env.VIGIL_BENCH_INGEST_WORKERS ?? defaultIngestWorkers(),
      ),
      logger: createLogger(
        'vigil-collector',
        'info',
        join(dir, 'collector.log'),
      ),
    });
    const workers: Worker[] = [];
    const rig = new IngestRig(
      dir,
      dataDir,
      policiesDir,
      collector,
      workers,
      policies,
    );
    try {
      for (let i = 0; i < agents; i++) {
        const stateDir = join(dir, `agent-${i}`);
        const store = openStore(dataDir);
        const { token } = createEnrollToken(store, `vendor-${i}`);
        store.close();
        const enrolled = await enrollAgent({
          collector: collector.url,
          token,
          caFingerprint: identity.caFingerprint,
          stateDir,
          host: `bench-${i}`,
        });
        const child = fork(
          join(import.meta.dirname, 'ingest-worker.js'),
          [stateDir, collector.url, String(policies)],
          { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] },
        );
        // Send failures reach the caller through send's callback.
        child.on('error', () => {});
        workers.push({ agent: enrolled.agentId, child });
      }
    } catch (error) {
      await rig.close();
      throw error;
    }
    return rig;
  }

  get agents(): number {
    return this.workers.length;
  }

  /**
   * Replaces the policies with `count` generated ones, as on SIGHUP, and
   * waits until the ingest workers have compiled them: a reload's cost,
   * not ingest's.
   */
  async setPolicies(count: number): Promise<void> {
    writePolicies(this.policiesDir, count);
    this.collector.reloadPolicies();
    await this.collector.policiesCompiled();
    this.policies = count;
  }

  /**
   * The first `agents` agents each build `batches` batches of `size`
   * events (untimed, in parallel), then all send at once; timed from the
   * go to the last receipt.
   */
  async round(agents: number, batches: number, size: number) {
    const active = this.workers.slice(0, agents);
    await Promise.all(
      active.map((w) =>
        ask(
          w,
          { kind: 'build', batches, size, policies: this.policies },
          'built',
        ),
      ),
    );
    const before = this.heads(active);
    const cpu = process.cpuUsage();
    const start = performance.now();
    const sent = await Promise.all(
      active.map((w) => ask(w, { kind: 'send' }, 'sent')),
    );
    const seconds = (performance.now() - start) / 1000;
    const used = process.cpuUsage(cpu);
    const failed = sent.find((s) => s.kind === 'sent' && s.refused > 0);
    if (failed?.kind === 'sent') {
      throw new Error(`ingest: batches refused: ${failed.firstError ?? '?'}`);
    }
    const after = this.heads(active);
    const ranges = new Map<string, [number, number]>();
    let events = 0;
    for (const w of active) {
      const first = (before.get(w.agent) ?? 0) + 1;
      const last = after.get(w.agent) ?? 0;
      ranges.set(w.agent, [first, last]);
      events += last - first + 1;
    }
    const collectorCpuMicros = used.user + used.system;
    return { events, seconds, collectorCpuMicros, ranges } as IngestRound;
  }

  /** Each agent's contiguous head seq as the store holds it now. */
  private heads(workers: Worker[]): Map<string, number> {
    const store = openStore(this.dataDir, true);
    try {
      return new Map(
        workers.map((w) => [w.agent, store.getAgent(w.agent)?.last_seq ?? 0]),
      );
    } finally {
      store.close();
    }
  }

  async close(): Promise<void> {
    await Promise.all(this.workers.map((w) => stop(w.child)));
    await this.collector.close();
  }
}

/** Writes `count` generated policies as the only YAML files in `dir`. */
export function writePolicies(dir: string, count: number): void {
  mkdirSync(dir, { recursive: true });
  for (const name of readdirSync(dir)) rmSync(join(dir, name));
  for (let i = 0; i < count; i++) {
    const { file, text } = generatedPolicy(i, count);
    writeFileSync(join(dir, file), text);
  }
}

function ask<K extends WorkerReply['kind']>(
  worker: Worker,
  command: WorkerCommand,
  answer: K,
): Promise<Extract<WorkerReply, { kind: K }>> {
  return new Promise((resolve, reject) => {
    const onMessage = (reply: WorkerReply) => {
      if (reply.kind !== answer) return;
      worker.child.off('exit', onExit);
      worker.child.off('message', onMessage);
      resolve(reply as Extract<WorkerReply, { kind: K }>);
    };
    const onExit = (code: number | null) => {
      worker.child.off('message', onMessage);
      reject(
        new Error(`ingest worker exited (${code}) during ${command.kind}`),
      );
    };
    worker.child.on('message', onMessage);
    worker.child.once('exit', onExit);
    worker.child.send(command, (error) => {
      if (error) reject(error); // the worker is gone: its channel closed
    });
  });
}

/** Asks a worker to exit; kills it if it has not within five seconds. */
function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) {
    return Promise.resolve();
  }
  return new Promise((resolve) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
    if (child.connected) child.send({ kind: 'exit' } satisfies WorkerCommand);
    else child.kill('SIGTERM');
  });
}
