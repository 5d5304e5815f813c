import { verifyChainLinks } from './chain.js';
import { ProtocolError } from './errors.js';
import { isRecord } from './is-record.js';
import type { AccessEvent } from './event.js';
import { signCanonical, verifyCanonical } from './sign.js';

export {
  signReceipt,
  verifyReceipt,
  type Receipt,
  type SignedReceipt,
} from './receipt.js';

/** What the agent signs: the last seq of a batch and the hash of its event. */
export interface Checkpoint {
  agent: string;
  seq: number;
  head: string;
  time: string;
}

/** Consecutive events of one agent and the signature over their checkpoint. */
export interface Batch {
  checkpoint: Checkpoint;
  signature: string;
  events: AccessEvent[];
}

/**
 * Closes a batch (DESIGN section 3, step 1): checks that the events are
 * non-empty, of `agentId` and chained, then signs their checkpoint.
 * @param now checkpoint time; default the current time
 */
export function buildBatch(
  events: AccessEvent[],
  agentId: string,
  privateKeyPem: string,
  now: Date = new Date(),
): Batch {
  const { first, last } = ends(events);
  checkAgents(events, agentId);
  const head = verifyChainLinks(events, {
    seq: first.seq - 1,
    head: first.prev,
  });
  const checkpoint = {
    agent: agentId,
    seq: last.seq,
    head,
    time: now.toISOString(),
  };
  const signature = signCanonical(checkpoint, privateKeyPem);
  return { checkpoint, signature, events: [...events] };
}

/**
 * Checks a batch against its agent's key. The first event's `prev` is left
 * to the caller, who knows the chain stored so far. Throws
 * VIGIL_BATCH_INVALID, VIGIL_SIGNATURE_INVALID, VIGIL_CHAIN_SEQ_GAP,
 * VIGIL_CHAIN_LINK_BROKEN or VIGIL_CHAIN_HASH_MISMATCH.
 * @param hashes each event's hash, if the caller computed them already
 */
export function verifyBatch(
  batch: Batch,
  agentPublicKeyOrCertPem: string,
  hashes?: readonly string[],
): void {
  const events = checkShape(batch);
  const { checkpoint } = batch;
  verifyCanonical(checkpoint, batch.signature, agentPublicKeyOrCertPem);
  checkAgents(events, checkpoint.agent);
  const { first, last } = ends(events);
  const head = verifyChainLinks(
    events,
    { seq: first.seq - 1, head: first.prev },
    hashes,
  );
  if (checkpoint.seq !== last.seq) {
    throw new ProtocolError(
      'VIGIL_BATCH_INVALID',
      `checkpoint seq ${checkpoint.seq} is not the last event's seq ${last.seq}`,
    );
  }
  if (checkpoint.head !== head) {
    throw new ProtocolError(
      'VIGIL_CHAIN_HASH_MISMATCH',
      `checkpoint head is not the hash of event seq ${last.seq}`,
    );
  }
}

function ends(events: readonly AccessEvent[]): {
  first: AccessEvent;
  last: AccessEvent;
} {
  const first = events[0];
  const last = events[events.length - 1];
  if (!first || !last) {
    throw new ProtocolError('VIGIL_BATCH_INVALID', 'batch has no events');
  }
  return { first, last };
}

function checkAgents(events: readonly AccessEvent[], agentId: string): void {
  for (const event of events) {
    if (event.agent.id !== agentId) {
      throw new ProtocolError(
        'VIGIL_BATCH_INVALID',
        `event seq ${event.seq}: agent.id is not the checkpoint's agent`,
      );
    }
  }
}

// Batches may come from a bundle or a caller that skipped the schema; a bad
// shape must surface as a ProtocolError, not a TypeError further down.
function checkShape(batch: unknown): AccessEvent[] {
  const shaped =
    isRecord(batch) &&
    isRecord(batch.checkpoint) &&
    typeof batch.signature === 'string' &&
    Array.isArray(batch.events) &&
    batch.events.length > 0 &&
    batch.events.every((e) => isRecord(e) && isRecord(e.agent));
  if (!shaped) {
    throw new ProtocolError(
      'VIGIL_BATCH_INVALID',
      'batch needs a checkpoint, a signature and events with an agent',
    );
  }
  return batch.events as AccessEvent[];
}
