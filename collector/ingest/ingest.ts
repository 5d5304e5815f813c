import { chainHash, eventTexts, sha256Hex } from '../../protocol/chain.js';
import {
  verifyBatch,
  type Batch,
  type SignedReceipt,
} from '../../protocol/batch.js';
import { openEnvelope } from '../../protocol/seal.js';
import type { CollectorIdentity } from '../data-dir.js';
import { CollectorError } from '../errors.js';
import { StoreLimitCounter } from '../policy/store-limit-counter.js';
import type { PolicySet } from '../policy/policy-set.js';
import type { AgentRow, CollectorStore } from '../store/store.js';
import { judgeBatch, type HashedEvent } from './chain-verdict.js';
import {
  closeFilledGaps,
  describeRange,
  raiseGap,
  raiseTampered,
  type IntegrityNotice,
} from './integrity.js';
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
  /** The policy set in force; read once per batch so reloads apply to new batches. */
  policies: () => PolicySet;
  onViolation?: (violation: FlaggedViolation) => void;
  /** Called after commit for each integrity violation raised or closed. */
  onIntegrity?: (notice: IntegrityNotice) => void;
  now?: () => Date;
}

/** What one transaction decided: a receipt to answer, or a refusal. */
type Outcome =
  | { kind: 'stored'; result: IngestResult }
  | { kind: 'refused'; error: CollectorError };

/**
 * The collector's ingest path for one sealed batch (DESIGN section 6):
 * envelope → decrypt → signature → event schemas → chain → store + evaluate,
 * all in one transaction; the receipt is returned only after it committed.
 * A batch that contradicts the chain is refused, but the copy kept aside
 * and its violation are committed before the refusal is thrown.
 */
export class Ingest {
  /** Sliding-window counts of policy limits, kept in the store. */
  private readonly limits: StoreLimitCounter;
  private readonly log: TransparencyLog;

  constructor(private readonly options: IngestOptions) {
    this.limits = new StoreLimitCounter(options.store);
    this.log = new TransparencyLog(options.store, options.identity.log);
    const at = this.now().toISOString();
    options.store.transaction(() => this.log.adoptUnlogged(at));
  }

  accept(agent: AgentRow, envelope: unknown): IngestResult {
    const { batch, hashed } = this.open(agent, envelope);
    const flagged: FlaggedViolation[] = [];
    const notices: IntegrityNotice[] = [];
    let outcome: ReturnType<Ingest['apply']>;
    try {
      outcome = this.options.store.transaction(() =>
        this.apply(batch, hashed, flagged, notices),
      );
    } catch (error) {
      // The store rolled back: the counter must forget what it counted.
      this.limits.forget();
      throw error;
    }
    flagged.forEach((v) => this.options.onViolation?.(v));
    notices.forEach((n) => this.options.onIntegrity?.(n));
    if (outcome.kind === 'refused') throw outcome.error;
    return outcome.result;
  }

  private open(
    agent: AgentRow,
    envelope: unknown,
  ): { batch: Batch; hashed: HashedEvent[] } {
    const { identity } = this.options;
    const batch = openEnvelope(
      envelope,
      identity.sealing.privateKeyPem,
      identity.sealingKid,
    );
    if (batch.checkpoint.agent !== agent.id) {
      throw new CollectorError(
        'VIGIL_AGENT_MISMATCH',
        `checkpoint.agent names another agent than the client certificate ` +
          `(${agent.id})`,
      );
    }
    // The vendor is the certificate's, not the agent's word: a policy or an
    // export by vendor must not see one vendor's events under another.
    const stray = batch.events.findIndex(
      (e) => e.agent.vendor !== agent.vendor,
    );
    if (stray >= 0) {
      throw new CollectorError(
        'VIGIL_AGENT_MISMATCH',
        `events/${stray}/agent/vendor names another vendor than the client ` +
          `certificate (${agent.vendor})`,
      );
    }
    const hashed = hashEvents(batch);
    verifyBatch(
      batch,
      agent.cert_pem,
      hashed.map((h) => h.hash),
    );
    return { batch, hashed };
  }

  private apply(
    batch: Batch,
    hashed: readonly HashedEvent[],
    flagged: FlaggedViolation[],
    notices: IntegrityNotice[],
  ): Outcome {
    const { store, identity } = this.options;
    const agent = batch.checkpoint.agent;
    const range = { first: hashed[0]!.event.seq, last: batch.checkpoint.seq };
    const at = this.now().toISOString();
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
        const policies = this.options.policies();
        const { limits, log } = this;
        const ctx = { store, identity, policies, at, limits, log };
        const receipt = storeBatch(ctx, batch, hashed, flagged);
        notices.push(...closeFilledGaps(store, agent, range, at));
        return stored(receipt, false, hashed.length, flagged.length, notices);
      }
    }
  }

  private now(): Date {
    return this.options.now?.() ?? new Date();
  }
}

// Each event's canonical text is what the store keeps and what its hash is
// over, so both are computed once, before the transaction.
function hashEvents(batch: Batch): HashedEvent[] {
  return batch.events.map((event) => {
    const { text, body } = eventTexts(event);
    return { event, text, hash: chainHash(event.prev, sha256Hex(body)) };
  });
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
