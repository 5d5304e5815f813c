import { createHash } from 'node:crypto';
import type { Batch } from '../../protocol/batch.js';
import type {
  BundleCounts,
  BundleLine,
  HeaderLine,
} from '../../protocol/bundle.js';
import { eventTexts, sha256Hex } from '../../protocol/chain.js';
import type { AccessEvent } from '../../protocol/event.js';
import { generateRsaKeyPair } from '../../protocol/keys.js';
import { signCheckpoint } from '../../protocol/log-checkpoint.js';
import { logLeafBytes } from '../../protocol/log-leaf.js';
import { leafHash, MemoryNodes, MerkleLog } from '../../protocol/merkle.js';
import { generateNoteKey, type NoteKey } from '../../protocol/signed-note.js';
import {
  certFingerprint,
  createCa,
  issueCertificate,
  type CertAndKey,
} from '../../protocol/pki.js';
import { signCanonical } from '../../protocol/sign.js';
import { AGENT_ID } from './chain-fixture.js';

// Certificates are judged at createdAt, so it must follow their issue.
export const CREATED_AT = new Date(Date.now() + 60_000);
export const ORIGIN = 'vigil.invalid/collector/test';

export interface BundleKeys {
  ca: CertAndKey;
  signing: CertAndKey;
  agent: CertAndKey;
  log: NoteKey;
}

export function makeKeys(): BundleKeys {
  const ca = createCa('Bundle test CA');
  return {
    ca,
    signing: pair(ca, 'Vigil collector signing', 'signing'),
    agent: pair(ca, AGENT_ID, 'client'),
    log: generateNoteKey(ORIGIN),
  };
}

function pair(ca: CertAndKey, cn: string, usage: 'signing' | 'client') {
  const keys = generateRsaKeyPair();
  const subject = usage === 'client' ? { cn, o: 'acme-sub' } : { cn };
  return {
    certPem: issueCertificate(ca, keys.publicKeyPem, subject, usage),
    privateKeyPem: keys.privateKeyPem,
  };
}

/** An event shown in full, or redacted to its seq and hash. */
export type Entry = AccessEvent | { seq: number; prev: string; body: string };

export function redacted(event: AccessEvent): Entry {
  const body = sha256Hex(eventTexts(event).body);
  return { seq: event.seq, prev: event.prev, body };
}

export interface BundleParts {
  batches: Batch[];
  /** Default: every event of the batches in full. */
  entries?: Entry[];
  counts?: Partial<BundleCounts>;
  /** Leaves logged before these batches (other agents' batches). */
  otherLeaves?: number;
  /** Size of an earlier checkpoint to prove consistency from. */
  since?: number;
  /** Edits a line before the manifest is signed. */
  edit?: (lines: BundleLine[]) => void;
}

/**
 * Writes a bundle as the collector would: header with the log checkpoint,
 * one agent section with entries and checkpoints (with inclusion proofs),
 * and the signed manifest over the digest of every line before it.
 */
export function writeBundle(keys: BundleKeys, parts: BundleParts): string {
  const tree = new MerkleLog(new MemoryNodes());
  for (let i = 0; i < (parts.otherLeaves ?? 0); i++) {
    tree.append(leafHash(Buffer.from(`other batch ${i}`)));
  }
  const leaves = parts.batches.map((b) =>
    tree.append(leafHash(logLeafBytes(leafOf(b)))),
  );
  const lines: BundleLine[] = [
    header(keys, tree, parts.since),
    agentLine(keys),
  ];
  const entries = parts.entries ?? parts.batches.flatMap((b) => b.events);
  let at = 0;
  parts.batches.forEach((batch, i) => {
    while (at < entries.length && entries[at]!.seq <= batch.checkpoint.seq) {
      lines.push(entryLine(entries[at]!));
      at++;
    }
    lines.push({
      type: 'checkpoint',
      first_seq: batch.events[0]!.seq,
      checkpoint: batch.checkpoint,
      signature: batch.signature,
      leaf: {
        index: leaves[i]!,
        inclusion: encode(tree.inclusionProof(leaves[i]!, tree.size)),
      },
    });
  });
  while (at < entries.length) lines.push(entryLine(entries[at++]!));
  parts.edit?.(lines);
  return seal(keys, lines, parts.counts);
}

/** Adds the manifest over `lines` as given. */
export function seal(
  keys: BundleKeys,
  lines: BundleLine[],
  counts: Partial<BundleCounts> = {},
): string {
  const body = lines.map((l) => `${JSON.stringify(l)}\n`).join('');
  const manifest = {
    counts: { ...countLines(lines), ...counts },
    digest: createHash('sha256').update(body).digest('hex'),
  };
  const signature = signCanonical(manifest, keys.signing.privateKeyPem);
  return `${body}${JSON.stringify({ type: 'manifest', manifest, signature })}\n`;
}

function countLines(lines: BundleLine[]): BundleCounts {
  const n = (type: BundleLine['type']) =>
    lines.filter((l) => l.type === type).length;
  return {
    agents: n('agent'),
    checkpoints: n('checkpoint'),
    events: n('event'),
    redacted: n('redacted'),
  };
}

function header(
  keys: BundleKeys,
  tree: MerkleLog,
  since: number | undefined,
): HeaderLine {
  const note = (size: number) =>
    signCheckpoint(
      { origin: ORIGIN, size, rootHash: tree.root(size) },
      ORIGIN,
      keys.log.privateKeyPem,
    );
  return {
    type: 'header',
    format: 'vigil-bundle/2',
    createdAt: CREATED_AT.toISOString(),
    range: { from: '2026-03-01T00:00:00Z', to: '2026-03-05T00:00:00Z' },
    filters: { vendor: null, agent: null, path: null },
    ca: keys.ca.certPem,
    collector: {
      caFingerprint: certFingerprint(keys.ca.certPem),
      signingCert: keys.signing.certPem,
      logKey: keys.log.verifierKey,
    },
    log: {
      checkpoint: note(tree.size),
      ...(since !== undefined && {
        since: {
          checkpoint: note(since),
          consistency:
            since === 0 ? [] : encode(tree.consistencyProof(since, tree.size)),
        },
      }),
    },
  };
}

function agentLine(keys: BundleKeys): BundleLine {
  return {
    type: 'agent',
    id: AGENT_ID,
    vendor: 'acme-sub',
    certificate: keys.agent.certPem,
  };
}

function entryLine(entry: Entry): BundleLine {
  return 'body' in entry
    ? { type: 'redacted', seq: entry.seq, prev: entry.prev, body: entry.body }
    : { type: 'event', event: entry };
}

function leafOf(batch: Batch) {
  return {
    checkpoint: batch.checkpoint,
    first_seq: batch.events[0]!.seq,
    signature: batch.signature,
  };
}

function encode(proof: Buffer[]): string[] {
  return proof.map((node) => node.toString('base64'));
}
