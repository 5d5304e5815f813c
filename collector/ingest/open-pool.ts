import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { VigilError } from '../../protocol/errors.js';
import { CollectorError } from '../errors.js';
import { sameSources, type PolicySource } from '../policy/policy-files.js';
import type { PolicySet } from '../policy/policy-set.js';
import {
  fromWire,
  type OpenedBatch,
  type OpenedWire,
  type OpeningAgent,
  type OpeningKeys,
} from './open-batch.js';

/** One batch to open, as posted to a worker. */
export interface OpenTask {
  kind: 'open';
  id: number;
  agent: OpeningAgent;
  envelope: unknown;
  at: string;
}

/**
 * The policies a worker judges the batches after it with; it answers with
 * an OpenReply of the same id and `compiled` once it has compiled them.
 */
export interface PoliciesTask {
  kind: 'policies';
  id: number;
  sources: readonly PolicySource[];
}

export type WorkerTask = OpenTask | PoliciesTask;

/** A worker's answer: the opened batch, or why it was refused. */
export interface OpenReply {
  id: number;
  opened?: OpenedWire;
  error?: { code?: string; message: string };
  /** The answer to a PoliciesTask. */
  compiled?: true;
}

interface Pending {
  resolve: (opened: OpenedBatch) => void;
  reject: (error: Error) => void;
}

interface Slot {
  worker: Worker;
  pending: Map<number, Pending>;
  /** The policy set last sent to the worker. */
  policies?: PolicySet;
  /** Settles once the worker has compiled that set. */
  compiled: Promise<void>;
  /** Per PoliciesTask id, who waits for the worker to compile it. */
  compiling: Map<number, () => void>;
  /** Date.now() when it was started. */
  born: number;
}

/** The compiled worker beside this module (dist/collector/ingest/). */
const WORKER_SCRIPT = new URL('./open-worker.js', import.meta.url);
/** More threads than this only add memory: the store has one writer. */
const MAX_WORKERS = 64;
/** A worker that dies younger than this is replaced only this much later. */
const RESPAWN_MIN_MS = 1_000;

/** The default pool: one worker per core this process may use. */
export function defaultIngestWorkers(): number {
  return availableParallelism();
}

/** Reads `--ingest-workers`: a whole number from 0 (no pool) to 64. */
export function parseIngestWorkers(text: string): number {
  const count = /^\d{1,2}$/.test(text.trim()) ? Number(text) : NaN;
  if (!(count <= MAX_WORKERS)) {
    throw new CollectorError(
      'VIGIL_INGEST_WORKERS_INVALID',
      `--ingest-workers: ${JSON.stringify(text)} is not a whole number ` +
        `from 0 to ${MAX_WORKERS}`,
    );
  }
  return count;
}

/**
 * Worker threads that open sealed batches (open-batch.ts) off the thread
 * that owns the store: unwrapping, decryption, schemas, hashing, the
 * policies' rules and both RSA operations are most of a batch's CPU, and
 * on a machine with more than one core they run beside the store's writes
 * instead of before them. Each batch goes to the worker with the fewest
 * waiting, after the policy set it is to be judged by when that worker
 * has not had it yet; a worker that dies fails its batches with
 * VIGIL_INTERNAL and is replaced.
 */
export class OpenPool {
  private readonly slots: Slot[] = [];
  /** The policy set of the last usePolicies, for workers started later. */
  private latest: PolicySet | undefined;
  private nextId = 1;
  private closing = false;

  constructor(
    private readonly keys: OpeningKeys,
    size: number,
    private readonly script: URL = WORKER_SCRIPT,
  ) {
    if (!Number.isInteger(size) || size < 1 || size > MAX_WORKERS) {
      throw new CollectorError(
        'VIGIL_INGEST_WORKERS_INVALID',
        `ingest workers: ${size} is not a whole number from 1 to ${MAX_WORKERS}`,
      );
    }
    // Run from the TypeScript sources there is no compiled worker to start.
    if (!existsSync(fileURLToPath(script))) {
      throw new CollectorError(
        'VIGIL_INTERNAL',
        `ingest workers: ${fileURLToPath(script)} is missing; build first ` +
          '(npm run build) or run with --ingest-workers 0',
      );
    }
    for (let i = 0; i < size; i++) this.slots.push(this.spawn());
  }

  get size(): number {
    return this.slots.length;
  }

  /**
   * Opens `envelope` from `agent` on a worker, judged by `policies`;
   * rejects as openBatch throws.
   */
  open(
    agent: OpeningAgent,
    envelope: unknown,
    at: string,
    policies: PolicySet,
  ): Promise<OpenedBatch> {
    if (this.closing || this.slots.length === 0) {
      const why = this.closing ? 'closed' : 'none is running';
      return Promise.reject(
        new CollectorError('VIGIL_INTERNAL', `ingest workers: ${why}`),
      );
    }
    const slot = this.slots.reduce((a, b) =>
      b.pending.size < a.pending.size ? b : a,
    );
    const id = this.nextId++;
    const { id: agentId, vendor, cert_pem } = agent;
    void this.give(slot, policies);
    const task: OpenTask = {
      kind: 'open',
      id,
      agent: { id: agentId, vendor, cert_pem },
      envelope,
      at,
    };
    return new Promise((resolve, reject) => {
      slot.pending.set(id, { resolve, reject });
      slot.worker.postMessage(task);
    });
  }

  /**
   * Sends `policies` to every worker now (on start and on each reload), so
   * that workers compile it while no batch waits for them. Settles once
   * every worker has.
   */
  async usePolicies(policies: PolicySet): Promise<void> {
    this.latest = policies;
    await Promise.all(this.slots.map((slot) => this.give(slot, policies)));
  }

  /** Stops every worker; batches still opening are refused. */
  async close(): Promise<void> {
    this.closing = true;
    await Promise.all(this.slots.map((slot) => slot.worker.terminate()));
  }

  private spawn(): Slot {
    const worker = new Worker(this.script, { workerData: this.keys });
    const slot: Slot = {
      worker,
      pending: new Map(),
      compiled: Promise.resolve(),
      compiling: new Map(),
      born: Date.now(),
    };
    worker.on('message', (reply: OpenReply) => settle(slot, reply));
    worker.on('error', (error) => this.lose(slot, error.message));
    worker.on('exit', (code) => this.lose(slot, `exited with code ${code}`));
    // Workers wait for batches; they must not keep the collector alive.
    worker.unref();
    if (this.latest) void this.give(slot, this.latest);
    return slot;
  }

  // A worker compiles the set it is sent (half a second for a thousand
  // policies); a set read again from unchanged files is not sent again.
  private give(slot: Slot, policies: PolicySet): Promise<void> {
    const same =
      slot.policies !== undefined &&
      sameSources(slot.policies.sources, policies.sources);
    slot.policies = policies;
    if (same) return slot.compiled;
    const id = this.nextId++;
    slot.compiled = new Promise((resolve) => slot.compiling.set(id, resolve));
    const task: PoliciesTask = {
      kind: 'policies',
      id,
      sources: policies.sources,
    };
    slot.worker.postMessage(task);
    return slot.compiled;
  }

  // The batches it held are refused (the agent sends them again) and, unless
  // the pool is closing, a fresh worker takes its place: a second later if
  // this one died young, so a worker that cannot start does not spin.
  private lose(slot: Slot, why: string): void {
    const index = this.slots.indexOf(slot);
    if (index < 0) return;
    this.slots.splice(index, 1);
    const error = new CollectorError(
      'VIGIL_INTERNAL',
      `ingest worker stopped (${why}); the batch was not stored`,
    );
    for (const pending of slot.pending.values()) pending.reject(error);
    slot.pending.clear();
    // Nothing waits on a set it will never compile; its successor gets it.
    for (const done of slot.compiling.values()) done();
    slot.compiling.clear();
    const respawn = () => {
      if (!this.closing) this.slots.push(this.spawn());
    };
    if (Date.now() - slot.born >= RESPAWN_MIN_MS) respawn();
    else setTimeout(respawn, RESPAWN_MIN_MS).unref();
  }
}

function settle(slot: Slot, reply: OpenReply): void {
  if (reply.compiled) {
    slot.compiling.get(reply.id)?.();
    slot.compiling.delete(reply.id);
    return;
  }
  const pending = slot.pending.get(reply.id);
  if (!pending) return;
  slot.pending.delete(reply.id);
  if (reply.opened) {
    pending.resolve(fromWire(reply.opened));
    return;
  }
  const { code, message } = reply.error ?? { message: 'no answer' };
  pending.reject(
    code ? new VigilError(code, message) : new Error(`ingest: ${message}`),
  );
}
