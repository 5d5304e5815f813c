import type { Batch, SignedReceipt } from '../../protocol/batch.js';
import { GENESIS_HASH } from '../../protocol/chain.js';
import type { AccessEvent } from '../../protocol/event.js';
import type { CollectorStore } from '../store/store.js';

/** Sequence numbers `first` to `last`, both included. */
export interface SeqRange {
  first: number;
  last: number;
}

/** An event of an arriving batch with its canonical text and hash. */
export interface HashedEvent {
  seq: number;
  readonly event: AccessEvent;
  text: string;
  hash: string;
}

/**
 * Where an arriving batch stands against the chain the collector holds
 * (DESIGN section 6; the rules are written out in docs/ingest.md).
 */
export type ChainVerdict =
  /** This exact batch is stored: answer its original receipt. */
  | { kind: 'duplicate'; receipt: SignedReceipt; leaf: number | null }
  /** It contradicts a stored event at `seq`: keep it aside. */
  | { kind: 'tampered'; seq: number; why: string }
  /** It repeats stored events, identical, cut at other boundaries. */
  | { kind: 'overlap' }
  /** None of its seqs is stored; `missing` is the hole right before it. */
  | { kind: 'new'; missing: SeqRange | undefined };

/**
 * Judges a batch whose own signature and inner links were verified. Reads
 * the store only; the caller acts on the verdict in the same transaction.
 */
export function judgeBatch(
  store: CollectorStore,
  agentId: string,
  batch: Batch,
  hashed: readonly HashedEvent[],
): ChainVerdict {
  const range = { first: hashed[0]!.seq, last: batch.checkpoint.seq };
  const known = store.getBatch(agentId, range.last);
  if (
    known &&
    known.first_seq === range.first &&
    known.head === batch.checkpoint.head
  ) {
    return {
      kind: 'duplicate',
      receipt: JSON.parse(known.receipt) as SignedReceipt,
      leaf: known.leaf,
    };
  }
  const held = store.eventHashesIn(agentId, range.first, range.last);
  if (held.length > 0) return compareHeld(agentId, held, hashed, range.first);
  return checkNeighbours(store, agentId, batch, hashed[0]!.event);
}

// Every seq of the batch that the store holds must hold the same event.
function compareHeld(
  agentId: string,
  held: readonly { seq: number; hash: string }[],
  hashed: readonly HashedEvent[],
  first: number,
): ChainVerdict {
  const differs = held.find(
    (row) => hashed[row.seq - first]?.hash !== row.hash,
  );
  if (!differs) return { kind: 'overlap' };
  return {
    kind: 'tampered',
    seq: differs.seq,
    why: `event ${differs.seq} of ${agentId} differs from the one the collector holds`,
  };
}

// Stored events on either side must link to the batch; a hole before it is
// reported, one after it was reported when the later batch arrived.
function checkNeighbours(
  store: CollectorStore,
  agentId: string,
  batch: Batch,
  firstEvent: AccessEvent,
): ChainVerdict {
  const { seq: first, prev } = firstEvent;
  const last = batch.checkpoint.seq;
  const before =
    first === 1 ? { hash: GENESIS_HASH } : store.getEvent(agentId, first - 1);
  if (before && before.hash !== prev) {
    return {
      kind: 'tampered',
      seq: first,
      why:
        first === 1
          ? `event 1 of ${agentId} does not start from the genesis hash`
          : `event ${first} of ${agentId} does not link to event ` +
            `${first - 1} the collector holds`,
    };
  }
  const after = store.getEvent(agentId, last + 1);
  if (after && prevOf(after.canonical) !== batch.checkpoint.head) {
    return {
      kind: 'tampered',
      seq: last,
      why: `event ${last + 1} the collector holds does not link to event ${last} of ${agentId}`,
    };
  }
  if (before) return { kind: 'new', missing: undefined };
  const below = store.storedSeqBelow(agentId, first);
  return { kind: 'new', missing: { first: below + 1, last: first - 1 } };
}

// Stored canonical text was written by this collector: it parses.
function prevOf(canonical: string): string {
  return (JSON.parse(canonical) as AccessEvent).prev;
}
