import { canonicalize } from '../../protocol/canonical.js';
import { sha256Hex } from '../../protocol/chain.js';
import type { AccessEvent } from '../../protocol/event.js';
import {
  signReceipt,
  verifyBatch,
  type Batch,
  type SignedReceipt,
} from '../../protocol/batch.js';
import { openEnvelope } from '../../protocol/seal.js';
import type { CollectorIdentity } from '../data-dir.js';
import { CollectorError } from '../errors.js';
import type { PolicySet } from '../policy/policy-set.js';
import type { AgentRow, CollectorStore } from '../store/store.js';

export interface IngestResult {
  receipt: SignedReceipt;
  duplicate: boolean;
  events: number;
  violations: number;
}

/** A violation as it was just stored, for live listeners. */
export interface FlaggedViolation {
  id: number;
  policy: string;
  rule: string;
  severity: string;
  reason: string;
  event: AccessEvent;
}

export interface IngestOptions {
  store: CollectorStore;
  identity: CollectorIdentity;
  /** The policy set in force; read once per batch so reloads apply to new batches. */
  policies: () => PolicySet;
  onViolation?: (violation: FlaggedViolation) => void;
  now?: () => Date;
}

/**
 * The collector's ingest path for one sealed batch (DESIGN section 6):
 * envelope → decrypt → signature → event schemas → chain → store + evaluate,
 * all stored in one transaction before the receipt is signed and returned.
 */
export class Ingest {
  constructor(private readonly options: IngestOptions) {}

  accept(agent: AgentRow, envelope: unknown): IngestResult {
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
    verifyBatch(batch, agent.cert_pem);
    const flagged: FlaggedViolation[] = [];
    const result = this.options.store.transaction(() =>
      this.storeBatch(agent.id, batch, flagged),
    );
    flagged.forEach((v) => this.options.onViolation?.(v));
    return result;
  }

  private storeBatch(
    agentId: string,
    batch: Batch,
    flagged: FlaggedViolation[],
  ): IngestResult {
    const { store } = this.options;
    const events = batch.events;
    const first = events[0]!.seq;
    const last = batch.checkpoint.seq;
    const existing = store.getBatch(agentId, last);
    if (existing) {
      if (
        existing.head !== batch.checkpoint.head ||
        existing.first_seq !== first
      ) {
        throw chainConflict(agentId, first, last);
      }
      return {
        receipt: JSON.parse(existing.receipt) as SignedReceipt,
        duplicate: true,
        events: 0,
        violations: 0,
      };
    }
    const current = store.getAgent(agentId)!;
    if (first <= current.last_seq) throw chainConflict(agentId, first, last);
    if (first > current.last_seq + 1) {
      throw new CollectorError(
        'VIGIL_CHAIN_GAP',
        `events: batch starts at seq ${first} but the collector holds ` +
          `${agentId} up to seq ${current.last_seq}`,
      );
    }
    if (events[0]!.prev !== current.head)
      throw chainConflict(agentId, first, last);
    const violations = this.storeEvents(agentId, events, flagged);
    return this.commitBatch(agentId, batch, first, violations);
  }

  private storeEvents(
    agentId: string,
    events: AccessEvent[],
    flagged: FlaggedViolation[],
  ): number {
    const { store } = this.options;
    const policies = this.options.policies();
    const createdAt = this.now().toISOString();
    for (const event of events) {
      const text = canonicalize(event);
      store.insertEvent({
        agent: agentId,
        seq: event.seq,
        hash: sha256Hex(text),
        canonical: text,
      });
      for (const draft of policies.evaluate(event)) {
        const id = store.insertViolation({
          agent: agentId,
          seq: event.seq,
          policy: draft.policy,
          rule: draft.rule,
          kind: draft.kind,
          severity: draft.severity,
          reason: draft.reason,
          policy_hash: draft.policyHash,
          compliance: JSON.stringify(draft.compliance),
          created_at: createdAt,
        });
        flagged.push({ id, ...pick(draft), event });
      }
    }
    return flagged.length;
  }

  private commitBatch(
    agentId: string,
    batch: Batch,
    first: number,
    violations: number,
  ): IngestResult {
    const { store, identity } = this.options;
    const receivedAt = this.now().toISOString();
    const { seq, head } = batch.checkpoint;
    const receipt = signReceipt(
      { agent: agentId, seq, head, received_at: receivedAt },
      identity.signing.privateKeyPem,
    );
    store.insertBatch({
      agent: agentId,
      first_seq: first,
      last_seq: seq,
      head,
      checkpoint: JSON.stringify(batch.checkpoint),
      signature: batch.signature,
      receipt: JSON.stringify(receipt),
      received_at: receivedAt,
    });
    store.advanceAgent(agentId, seq, head, receivedAt);
    return {
      receipt,
      duplicate: false,
      events: batch.events.length,
      violations,
    };
  }

  private now(): Date {
    return this.options.now?.() ?? new Date();
  }
}

function pick(d: {
  policy: string;
  rule: string;
  severity: string;
  reason: string;
}) {
  return {
    policy: d.policy,
    rule: d.rule,
    severity: d.severity,
    reason: d.reason,
  };
}

function chainConflict(agent: string, first: number, last: number) {
  return new CollectorError(
    'VIGIL_CHAIN_CONFLICT',
    `events: seq ${first}-${last} of ${agent} differ from what the ` +
      'collector already holds',
  );
}
