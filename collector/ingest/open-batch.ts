import {
  signReceipt,
  verifyBatch,
  type Batch,
  type SignedReceipt,
} from '../../protocol/batch.js';
import { chainHash, eventTexts, sha256Hex } from '../../protocol/chain.js';
import type { AccessEvent } from '../../protocol/event.js';
import { openEnvelope } from '../../protocol/seal.js';
import type { CollectorIdentity } from '../data-dir.js';
import { CollectorError } from '../errors.js';
import type { HashedEvent } from './chain-verdict.js';

/** The collector's private keys that opening a batch needs. */
export interface OpeningKeys {
  sealingPrivateKeyPem: string;
  sealingKid: string;
  signingPrivateKeyPem: string;
}

/** The opening keys of a collector's data directory. */
export function openingKeys(identity: CollectorIdentity): OpeningKeys {
  return {
    sealingPrivateKeyPem: identity.sealing.privateKeyPem,
    sealingKid: identity.sealingKid,
    signingPrivateKeyPem: identity.signing.privateKeyPem,
  };
}

/** What opening needs of the agent: who its client certificate says it is. */
export interface OpeningAgent {
  id: string;
  vendor: string;
  cert_pem: string;
}

/**
 * A batch opened and checked, ready for the store: its events with their
 * canonical text and chain hash, and the receipt for it, signed in
 * advance. The receipt goes out only if the batch is then stored.
 */
export interface OpenedBatch {
  batch: Batch;
  hashed: HashedEvent[];
  receipt: SignedReceipt;
}

/**
 * Everything ingest does to a batch that needs no store (DESIGN section
 * 6): unwrap and decrypt, schemas, the certificate's agent and vendor,
 * canonical text and hash of each event, the agent's signature and inner
 * links, and the collector's receipt signature over `at`. Pure CPU work on
 * the arguments, so it can run on a worker thread (open-pool.ts).
 */
export function openBatch(
  keys: OpeningKeys,
  agent: OpeningAgent,
  envelope: unknown,
  at: string,
): OpenedBatch {
  const batch = openEnvelope(
    envelope,
    keys.sealingPrivateKeyPem,
    keys.sealingKid,
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
  const stray = batch.events.findIndex((e) => e.agent.vendor !== agent.vendor);
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
  const { seq, head } = batch.checkpoint;
  const receipt = signReceipt(
    { agent: agent.id, seq, head, received_at: at },
    keys.signingPrivateKeyPem,
  );
  return { batch, hashed, receipt };
}

/**
 * An opened batch as it crosses from a worker thread: strings only. A
 * structured clone of every event object costs the receiving thread about
 * three times what parsing each event's canonical text again does, and the
 * receiving thread is the one that writes the store.
 */
export interface OpenedWire {
  checkpoint: Batch['checkpoint'];
  signature: string;
  texts: string[];
  hashes: string[];
  receipt: SignedReceipt;
}

export function toWire(opened: OpenedBatch): OpenedWire {
  const { batch, hashed, receipt } = opened;
  return {
    checkpoint: batch.checkpoint,
    signature: batch.signature,
    texts: hashed.map((h) => h.text),
    hashes: hashed.map((h) => h.hash),
    receipt,
  };
}

/** The opened batch again; each event is its canonical text, parsed. */
export function fromWire(wire: OpenedWire): OpenedBatch {
  const hashed = wire.texts.map((text, i) => ({
    event: JSON.parse(text) as AccessEvent,
    text,
    hash: wire.hashes[i]!,
  }));
  const { checkpoint, signature, receipt } = wire;
  const events = hashed.map((h) => h.event);
  return { batch: { checkpoint, signature, events }, hashed, receipt };
}

// Each event's canonical text is what the store keeps and what its hash is
// over, so both are computed once.
function hashEvents(batch: Batch): HashedEvent[] {
  return batch.events.map((event) => {
    const { text, body } = eventTexts(event);
    return { event, text, hash: chainHash(event.prev, sha256Hex(body)) };
  });
}
