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
import type { Judgement, PolicySet } from '../policy/policy-set.js';
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

/** What the policies found in one event of a batch, by its index. */
export interface JudgedEvent {
  index: number;
  found: Judgement[];
}

/**
 * A batch opened and checked, ready for the store: its events with their
 * canonical text and chain hash, what the policies found in them (limits
 * not yet counted: that needs the store), and the receipt for it, signed
 * in advance. The receipt goes out only if the batch is then stored.
 */
export interface OpenedBatch {
  batch: Batch;
  hashed: HashedEvent[];
  /** Only events in which the policies found something, in order. */
  judged: JudgedEvent[];
  receipt: SignedReceipt;
}

/**
 * Everything ingest does to a batch that needs no store (DESIGN section
 * 6): unwrap and decrypt, schemas, the certificate's agent and vendor,
 * canonical text and hash of each event, the agent's signature and inner
 * links, the rules of `policies`, and the collector's receipt signature
 * over `at`. Pure CPU work on the arguments, so it can run on a worker
 * thread (open-pool.ts).
 */
export function openBatch(
  keys: OpeningKeys,
  agent: OpeningAgent,
  envelope: unknown,
  at: string,
  policies: PolicySet,
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
  return { batch, hashed, judged: judgeEvents(policies, batch), receipt };
}

/**
 * An opened batch as it crosses from a worker thread: strings and plain
 * data. The thread that writes the store is the busy one, so it gets
 * each event's canonical text and parses an event only when it needs one
 * (the first of a batch, and those with a violation).
 */
export interface OpenedWire {
  checkpoint: Batch['checkpoint'];
  signature: string;
  texts: string[];
  hashes: string[];
  judged: JudgedEvent[];
  receipt: SignedReceipt;
}

export function toWire(opened: OpenedBatch): OpenedWire {
  const { batch, hashed, judged, receipt } = opened;
  return {
    checkpoint: batch.checkpoint,
    signature: batch.signature,
    texts: hashed.map((h) => h.text),
    hashes: hashed.map((h) => h.hash),
    judged,
    receipt,
  };
}

/** The opened batch again; events are parsed from their text on first use. */
export function fromWire(wire: OpenedWire): OpenedBatch {
  const { checkpoint, signature, texts, judged, receipt } = wire;
  // verifyBatch checked that the seqs run without a hole to the checkpoint.
  const first = checkpoint.seq - texts.length + 1;
  const hashed = texts.map(
    (text, i) => new TextEvent(first + i, text, wire.hashes[i]!),
  );
  let events: AccessEvent[] | undefined;
  const batch: Batch = {
    checkpoint,
    signature,
    get events() {
      return (events ??= hashed.map((h) => h.event));
    },
  };
  return { batch, hashed, judged, receipt };
}

/** An event known by its canonical text, parsed when first asked for. */
class TextEvent implements HashedEvent {
  private parsed: AccessEvent | undefined;

  constructor(
    readonly seq: number,
    readonly text: string,
    readonly hash: string,
  ) {}

  get event(): AccessEvent {
    return (this.parsed ??= JSON.parse(this.text) as AccessEvent);
  }
}

// Each event's canonical text is what the store keeps and what its hash is
// over, so both are computed once.
function hashEvents(batch: Batch): HashedEvent[] {
  return batch.events.map((event) => {
    const { text, body } = eventTexts(event);
    const hash = chainHash(event.prev, sha256Hex(body));
    return { seq: event.seq, event, text, hash };
  });
}

function judgeEvents(policies: PolicySet, batch: Batch): JudgedEvent[] {
  const judged: JudgedEvent[] = [];
  batch.events.forEach((event, index) => {
    const found = policies.judge(event);
    if (found.length > 0) judged.push({ index, found });
  });
  return judged;
}
