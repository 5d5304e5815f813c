import type { SignedReceipt } from '../../protocol/batch.js';
import type { CollectorIdentity } from '../data-dir.js';
import { CollectorError } from '../errors.js';
import { StoreLimitCounter } from '../policy/store-limit-counter.js';
import type { PolicySet } from '../policy/policy-set.js';
import type { AgentRow, CollectorStore } from '../store/store.js';
import { judgeBatch } from './chain-verdict.js';
import {
  closeFilledGaps,
  describeRange,
  raiseGap,
  raiseTampered,
  type IntegrityNotice,
} from './integrity.js';
import {
  openBatch,
  openingKeys,
  type OpenedBatch,
  type OpeningKeys,
} from './open-batch.js';
import type { OpenPool } from './open-pool.js';
import { storeBatch, type FlaggedViolation } from './store-batch.js';
import { TransparencyLog } from '../tlog/transparency-log.js';

export type { FlaggedViolation } from './store-batch.js';
export type { IntegrityNotice } from './integrity.js';

export interface IngestResult {
  receipt: SignedReceipt;
  duplicate: boolean;
  events: number;
  violations: number;
  /** Integrity violations this batch raised or closed. */
  integrity: IntegrityNotice[];
}

export interface IngestOptions {
  store: CollectorStore;
  identity: CollectorIdentity;
  /**
   * The policy set in force; read once per batch as it arrives, so reloads
   * apply to batches that arrive after them.
   */
  policies: () => PolicySet;
  onViolation?: (violation: FlaggedViolation) => void;
  /** Called after commit for each integrity violation raised or closed. */
  onIntegrity?: (notice: IntegrityNotice) => void;
  /** Worker threads that open batches for `submit`; without it, this thread. */
  pool?: OpenPool;
  now?: () => Date;
}

/** What one batch's part of a transaction decided. */
type Outcome =
  { kind: 'stored'; result: IngestResult } | { kind: 'refused'; error: Error };

/** An opened batch on its way into the store. */
interface Arrival {
  opened: OpenedBatch;
  /** When it arrived: its receipt, batch row and violations carry this. */
  at: string;
  /** The policies in force when it arrived, which judged it. */
  policies: PolicySet;
}

/** An arrival waiting for the next group commit, and who waits for it. */
interface Waiting extends Arrival {
  resolve: (result: IngestResult) => void;
  reject: (error: Error) => void;
}

/**
 * The collector's ingest path (DESIGN section 6): envelope → decrypt →
 * signature → event schemas → chain → store + evaluate in a transaction;
 * the receipt is returned only after it committed. A batch that
 * contradicts the chain is refused, but the copy kept aside and its
 * violation are committed before the refusal is thrown.
 *
 * `submit` opens batches on worker threads and commits every batch that
 * is ready by then in one transaction, each in a savepoint of its own: one
 * fsync for all of them, and a batch that fails rolls back alone.
 */
export class Ingest {
  /** Sliding-window counts of policy limits, kept in the store. */
  private readonly limits: StoreLimitCounter;
  private readonly log: TransparencyLog;
  private readonly keys: OpeningKeys;
  private waiting: Waiting[] = [];
  private flushing = false;

  constructor(private readonly options: IngestOptions) {
    this.limits = new StoreLimitCounter(options.store);
    this.log = new TransparencyLog(options.store, options.identity.log);
    this.keys = openingKeys(options.identity);
    const at = this.now().toISOString();
    options.store.transaction(() => this.log.adoptUnlogged(at));
  }

  /** Opens and stores one batch on this thread, alone in its transaction. */
  accept(agent: AgentRow, envelope: unknown): IngestResult {
    const at = this.now().toISOString();
    const policies = this.options.policies();
    const opened = openBatch(this.keys, agent, envelope, at, policies);
    const [outcome] = this.commit([{ opened, at, policies }]);
    if (outcome!.kind === 'refused') throw outcome!.error;
    return outcome!.result;
  }

  /**
   * Opens one batch (on the pool when there is one) and stores it in the
   * next group commit; resolves once that has committed.
   */
  async submit(agent: AgentRow, envelope: unknown): Promise<IngestResult> {
    const at = this.now().toISOString();
    const { pool } = this.options;
    const policies = this.options.policies();
    const opened = pool
      ? await pool.open(agent, envelope, at, policies)
      : openBatch(this.keys, agent, envelope, at, policies);
    return new Promise((resolve, reject) => {
      this.waiting.push({ opened, at, policies, resolve, reject });
      if (this.flushing) return;
      this.flushing = true;
      // Batches opened in the same turn of the event loop join this group.
      setImmediate(() => this.flush());
    });
  }

  private flush(): void {
    this.flushing = false;
    const group = this.waiting;
    this.waiting = [];
    let outcomes: Outcome[];
    try {
      outcomes = this.commit(group);
    } catch (error) {
      // A listener threw after the commit: the batches are stored, and a
      // resend gets their receipts; the error must not escape this turn.
      group.forEach((waiting) => waiting.reject(asError(error)));
      return;
    }
    outcomes.forEach((outcome, i) => {
      const waiting = group[i]!;
      if (outcome.kind === 'refused') waiting.reject(outcome.error);
      else waiting.resolve(outcome.result);
    });
  }

  // One transaction for the group, a savepoint per batch. Listeners hear of
  // a batch's violations only once the whole group has committed.
  private commit(group: readonly Arrival[]): Outcome[] {
    const heard = group.map(() => ({
      flagged: [] as FlaggedViolation[],
      notices: [] as IntegrityNotice[],
    }));
    let outcomes: Outcome[];
    try {
      outcomes = this.options.store.transaction(() =>
        group.map((arrival, i) => this.applyAlone(arrival, heard[i]!)),
      );
    } catch (error) {
      // The store rolled back: the counter must forget what it counted.
      this.limits.forget();
      return group.map(() => ({ kind: 'refused', error: asError(error) }));
    }
    for (const { flagged, notices } of heard) {
      flagged.forEach((v) => this.options.onViolation?.(v));
      notices.forEach((n) => this.options.onIntegrity?.(n));
    }
    return outcomes;
  }

  private applyAlone(
    arrival: Arrival,
    heard: { flagged: FlaggedViolation[]; notices: IntegrityNotice[] },
  ): Outcome {
    try {
      return this.options.store.transaction(() =>
        this.apply(arrival, heard.flagged, heard.notices),
      );
    } catch (error) {
      // Only this batch's savepoint rolled back; what it counted is gone.
      this.limits.forget();
      heard.flagged.length = 0;
      heard.notices.length = 0;
      return { kind: 'refused', error: asError(error) };
    }
  }

  private apply(
    arrival: Arrival,
    flagged: FlaggedViolation[],
    notices: IntegrityNotice[],
  ): Outcome {
    const { store } = this.options;
    const { opened, at, policies } = arrival;
    const { batch, hashed } = opened;
    const agent = batch.checkpoint.agent;
    const range = { first: hashed[0]!.seq, last: batch.checkpoint.seq };
    const verdict = judgeBatch(store, agent, batch, hashed);
    switch (verdict.kind) {
      case 'duplicate': {
        // A batch stored before the log existed has a leaf now, but its
        // receipt has no log part: the agent needs one to let go of it.
        const { receipt, leaf } = verdict;
        const log =
          receipt.log ?? (leaf === null ? undefined : this.log.prove(leaf));
        return stored({ ...receipt, ...(log && { log }) }, true, 0, 0, notices);
      }
      case 'overlap':
        return refused(
          `events: ${describeRange(agent, range)} overlap batches the ` +
            'collector holds, cut at other seqs',
        );
      case 'tampered': {
        const notice = raiseTampered(store, batch, verdict, at);
        if (notice) notices.push(notice);
        return refused(
          `events: ${describeRange(agent, range)} contradict the chain the ` +
            `collector holds (${verdict.why}); the batch was kept aside`,
        );
      }
      case 'new': {
        const gap =
          verdict.missing && raiseGap(store, agent, verdict.missing, at);
        if (gap) notices.push(gap);
        const { limits, log } = this;
        const ctx = { store, policies, at, limits, log };
        const receipt = storeBatch(ctx, opened, flagged);
        notices.push(...closeFilledGaps(store, agent, range, at));
        return stored(receipt, false, hashed.length, flagged.length, notices);
      }
    }
  }

  private now(): Date {
    return this.options.now?.() ?? new Date();
  }
}

function asError(error: unknown): Error {
  return error instanceof Error ? error : new Error(String(error));
}

function stored(
  receipt: SignedReceipt,
  duplicate: boolean,
  events: number,
  violations: number,
  integrity: IntegrityNotice[],
): Outcome {
  return {
    kind: 'stored',
    result: { receipt, duplicate, events, violations, integrity },
  };
}

function refused(message: string): Outcome {
  return {
    kind: 'refused',
    error: new CollectorError('VIGIL_CHAIN_CONFLICT', message),
  };
}
