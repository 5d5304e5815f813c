import type { SignedReceipt } from '../../protocol/batch.js';
import type { AccessEvent } from '../../protocol/event.js';
import type { LimitCounter } from '../policy/limit-counter.js';
import type { Judgement, PolicySet } from '../policy/policy-set.js';
import type { CollectorStore } from '../store/store.js';
import type { TransparencyLog } from '../tlog/transparency-log.js';
import type { HashedEvent } from './chain-verdict.js';
import type { OpenedBatch } from './open-batch.js';

/** A violation as it was just stored, for live listeners. */
export interface FlaggedViolation {
  id: number;
  policy: string;
  rule: string;
  severity: string;
  reason: string;
  event: AccessEvent;
}

export interface StoreBatchContext {
  store: CollectorStore;
  /** The set that judged the batch (openBatch); it settles the limits. */
  policies: PolicySet;
  /** Counts events against policy limits; without it limits are skipped. */
  limits?: LimitCounter;
  /** ISO time of this ingest: violations, batch row and receipt share it. */
  at: string;
  /** The transparency log the batch becomes a leaf of. */
  log: TransparencyLog;
}

/**
 * Stores a batch that judgeBatch found new: its events with their canonical
 * text and hash, the violations the policies find, the batch row with its
 * receipt and log leaf, and the agent's contiguous head. Runs inside the
 * ingest transaction; returns the receipt to answer once it has committed.
 */
export function storeBatch(
  ctx: StoreBatchContext,
  opened: OpenedBatch,
  flagged: FlaggedViolation[],
): SignedReceipt {
  const { batch, hashed, judged } = opened;
  const agent = batch.checkpoint.agent;
  ctx.store.insertEvents(agent, hashed);
  for (const { index, found } of judged) {
    storeViolations(ctx, agent, hashed[index]!, found, flagged);
  }
  const { seq, head } = batch.checkpoint;
  const first = hashed[0]!.seq;
  const { checkpoint, signature } = batch;
  const log = ctx.log.append(
    { checkpoint, first_seq: first, signature },
    ctx.at,
  );
  const receipt = { ...opened.receipt, log };
  ctx.store.insertBatch({
    agent,
    first_seq: first,
    last_seq: seq,
    head,
    checkpoint: JSON.stringify(batch.checkpoint),
    signature: batch.signature,
    receipt: JSON.stringify(receipt),
    received_at: ctx.at,
    leaf: log.index,
  });
  moveHead(ctx.store, agent, first, { last_seq: seq, head }, ctx.at);
  return receipt;
}

// The violations of one event: the drafts the worker found, and those of
// the limits it found, once counted.
function storeViolations(
  ctx: StoreBatchContext,
  agent: string,
  item: HashedEvent,
  found: readonly Judgement[],
  flagged: FlaggedViolation[],
): void {
  const { seq } = item;
  for (const draft of ctx.policies.settle(found, ctx.limits)) {
    const id = ctx.store.insertViolation({
      agent,
      seq,
      policy: draft.policy,
      rule: draft.rule,
      kind: draft.kind,
      severity: draft.severity,
      reason: draft.reason,
      policy_hash: draft.policyHash,
      compliance: JSON.stringify(draft.compliance),
      created_at: ctx.at,
    });
    const { policy, rule, severity, reason } = draft;
    flagged.push({ id, policy, rule, severity, reason, event: item.event });
  }
}

// The agent's head is the end of the contiguous prefix from seq 1. A batch
// right after it extends it, then over batches stored earlier beyond a gap:
// their links were checked against both neighbours when each was stored.
function moveHead(
  store: CollectorStore,
  agent: string,
  first: number,
  stored: { last_seq: number; head: string },
  seen: string,
): void {
  if (first !== store.getAgent(agent)!.last_seq + 1) {
    store.touchAgent(agent, seen);
    return;
  }
  let tip = stored;
  for (
    let next = store.batchStartingAt(agent, tip.last_seq + 1);
    next;
    next = store.batchStartingAt(agent, tip.last_seq + 1)
  ) {
    tip = next;
  }
  store.advanceAgent(agent, tip.last_seq, tip.head, seen);
}
