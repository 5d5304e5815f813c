import type { BundleLog } from '../../protocol/bundle.js';
import type { Checkpoint } from '../../protocol/batch.js';
import {
  signCheckpoint,
  openCheckpoint,
} from '../../protocol/log-checkpoint.js';
import { logLeafBytes } from '../../protocol/log-leaf.js';
import { leafHash, MemoryNodes, MerkleLog } from '../../protocol/merkle.js';
import type { CollectorIdentity } from '../data-dir.js';
import type {
  CollectorStore,
  ExportBatchRow,
  LeafRow,
} from '../store/store.js';
import { BundleError } from '../../protocol/bundle.js';

/** The log part of an export: header fields and a proof per batch. */
export interface ExportLog {
  header: BundleLog;
  summary: { size: number; since: number | null; missing: string[] };
  /** The batch's leaf index and its inclusion proof. */
  inclusion(batch: ExportBatchRow): {
    leaf: { index: number; inclusion: string[] };
  };
}

/**
 * Rebuilds the log from the stored batches themselves, not from the stored
 * node hashes, so a batch deleted or altered in the database cannot hide
 * behind hashes kept elsewhere: the proofs then fail against any earlier
 * checkpoint. Signs the checkpoint of the rebuilt tree, and proves it
 * consistent with the auditor's earlier one when given.
 */
export function exportLog(
  identity: CollectorIdentity,
  store: CollectorStore,
  sinceNote: string | undefined,
): ExportLog {
  const { tree, positions, missing } = rebuild(store);
  const size = tree.size;
  const checkpoint = signCheckpoint(
    { origin: identity.log.origin, size, rootHash: tree.root(size) },
    identity.log.origin,
    identity.log.privateKey,
  );
  const since = sinceNote === undefined ? null : sinceSize(identity, sinceNote);
  // From the empty log or to a smaller one there is no proof to give.
  const consistency =
    since === null || since === 0 || since > size
      ? []
      : tree.consistencyProof(since, size);
  return {
    header: {
      checkpoint,
      ...(sinceNote !== undefined && {
        since: { checkpoint: sinceNote, consistency: encode(consistency) },
      }),
      ...(missing.length > 0 && { missing }),
    },
    summary: { size, since, missing },
    inclusion(batch) {
      const index = positions.get(key(batch.agent, batch.last_seq));
      if (index === undefined) {
        // Every stored batch has a leaf once ingest has adopted old ones.
        throw new BundleError(
          'VIGIL_EXPORT_INVALID',
          `agent ${batch.agent} seq ${batch.first_seq}..${batch.last_seq}: the batch has no leaf in the log; start the collector once to give it one`,
        );
      }
      const proof = encode(tree.inclusionProof(index, size));
      return { leaf: { index, inclusion: proof } };
    },
  };
}

function rebuild(store: CollectorStore) {
  const tree = new MerkleLog(new MemoryNodes(), 0);
  const positions = new Map<string, number>();
  const missing: string[] = [];
  const spans = new Map<string, [number, number][]>();
  let expected = 0;
  for (const row of store.log.leaves()) {
    const agentSpans = spans.get(row.agent) ?? [];
    agentSpans.push([row.first_seq, row.last_seq]);
    spans.set(row.agent, agentSpans);
    if (row.leaf > expected) missing.push(leafRange(expected, row.leaf - 1));
    const hash = leafHash(logLeafBytes(leafOf(row)));
    const recorded = store.log.get(0, row.leaf);
    if (recorded && !recorded.equals(hash)) {
      missing.push(
        `leaf ${row.leaf} (agent ${row.agent} seq ${row.first_seq}..${row.last_seq}) was altered`,
      );
    }
    positions.set(key(row.agent, row.last_seq), tree.append(hash));
    expected = row.leaf + 1;
  }
  const logged = store.log.size();
  if (logged > expected) missing.push(leafRange(expected, logged - 1));
  if (missing.length > 0) missing.push(...seqHoles(spans));
  return { tree, positions, missing };
}

// Names what a missing leaf held: the seqs absent between stored batches.
function seqHoles(spans: Map<string, [number, number][]>): string[] {
  const holes: string[] = [];
  for (const [agent, list] of spans) {
    list.sort((a, b) => a[0] - b[0]);
    let next = 1;
    for (const [first, last] of list) {
      if (first > next) {
        holes.push(`agent ${agent} seq ${next}..${first - 1} is not stored`);
      }
      next = Math.max(next, last + 1);
    }
  }
  return holes;
}

function leafOf(row: LeafRow) {
  return {
    checkpoint: JSON.parse(row.checkpoint) as Checkpoint,
    first_seq: row.first_seq,
    signature: row.signature,
  };
}

function leafRange(first: number, last: number): string {
  return first === last ? `leaf ${first}` : `leaves ${first}..${last}`;
}

function sinceSize(identity: CollectorIdentity, note: string): number {
  try {
    return openCheckpoint(note, [identity.log.verifier]).size;
  } catch (error) {
    throw new BundleError(
      'VIGIL_EXPORT_INVALID',
      `--since-checkpoint: ${(error as Error).message}`,
      { cause: error },
    );
  }
}

function key(agent: string, lastSeq: number): string {
  return `${agent}\n${lastSeq}`;
}

function encode(proof: Buffer[]): string[] {
  return proof.map((node) => node.toString('base64'));
}
