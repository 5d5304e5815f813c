import type { Checkpoint } from '../../protocol/batch.js';
import type { ReceiptLog } from '../../protocol/receipt.js';
import { signCheckpoint } from '../../protocol/log-checkpoint.js';
import { logLeafBytes, type LogLeaf } from '../../protocol/log-leaf.js';
import { leafHash, MerkleLog } from '../../protocol/merkle.js';
import type { LogKey } from '../data-dir.js';
import type { CollectorStore } from '../store/store.js';

/**
 * The collector's transparency log of accepted batches (issue 7,
 * docs/auditor.md): one RFC 6962 leaf per batch, a signed checkpoint at
 * every size. `append` runs inside the ingest transaction, so the leaf
 * index, the checkpoint and the proof handed back are made at exactly the
 * same tree size, and vanish together if the transaction rolls back.
 */
export class TransparencyLog {
  constructor(
    private readonly store: CollectorStore,
    private readonly key: LogKey,
  ) {}

  /** Adds a batch's leaf; returns its index, checkpoint and proof. */
  append(leaf: LogLeaf, at: string): ReceiptLog {
    // The size is read from the store each time: an aborted transaction
    // must not leave a count behind in memory.
    const tree = new MerkleLog(this.store.log, this.store.log.size());
    const index = tree.append(leafHash(logLeafBytes(leaf)));
    const size = index + 1;
    const checkpoint = this.sign(tree, size);
    this.store.log.putCheckpoint({ size, note: checkpoint, signed_at: at });
    const inclusion = tree
      .inclusionProof(index, size)
      .map((node) => node.toString('base64'));
    return { index, checkpoint, inclusion };
  }

  /** Proof of leaf `index` in the latest signed checkpoint. */
  prove(index: number): ReceiptLog {
    const latest = this.store.log.latestCheckpoint();
    const size = latest?.size ?? 0;
    const tree = new MerkleLog(this.store.log, this.store.log.size());
    const inclusion = tree
      .inclusionProof(index, size)
      .map((node) => node.toString('base64'));
    return { index, checkpoint: latest!.note, inclusion };
  }

  /**
   * Gives batches stored before the log existed (migration 5) their
   * leaves, in arrival order, inside the caller's transaction.
   */
  adoptUnlogged(at: string): number {
    const rows = this.store.log.unlogged();
    for (const row of rows) {
      const batch = this.store.getBatch(row.agent, row.last_seq)!;
      const { index } = this.append(
        {
          checkpoint: JSON.parse(batch.checkpoint) as Checkpoint,
          first_seq: batch.first_seq,
          signature: batch.signature,
        },
        at,
      );
      this.store.log.setLeaf(row.agent, row.last_seq, index);
    }
    return rows.length;
  }

  /**
   * The latest signed checkpoint; an empty log gets one signed now, so
   * there is always something a witness can keep.
   */
  latest(): string {
    const row = this.store.log.latestCheckpoint();
    if (row) return row.note;
    return this.sign(new MerkleLog(this.store.log, 0), 0);
  }

  private sign(tree: MerkleLog, size: number): string {
    const { origin, privateKey } = this.key;
    return signCheckpoint(
      { origin, size, rootHash: tree.root(size) },
      origin,
      privateKey,
    );
  }
}
