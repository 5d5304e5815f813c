import type Database from 'better-sqlite3';
import type { MerkleNodes } from '../../protocol/merkle.js';

/* The transparency log of accepted batches (collector/tlog, issue 7). */
const LOG_SQL = {
  node: 'SELECT hash FROM log_nodes WHERE level = ? AND idx = ?',
  putNode:
    'INSERT OR REPLACE INTO log_nodes (level, idx, hash) VALUES (?, ?, ?)',
  // max(idx) reads one end of the primary key; count(*) would scan.
  size: 'SELECT coalesce(max(idx) + 1, 0) FROM log_nodes WHERE level = 0',
  putCheckpoint: `INSERT OR REPLACE INTO log_checkpoints (size, note, signed_at)
    VALUES (?, ?, ?)`,
  latest: 'SELECT * FROM log_checkpoints ORDER BY size DESC LIMIT 1',
  checkpointAt: 'SELECT * FROM log_checkpoints WHERE size = ?',
  leaves: `SELECT agent, first_seq, last_seq, checkpoint, signature, leaf
    FROM batches WHERE leaf IS NOT NULL ORDER BY leaf`,
  unlogged: `SELECT agent, last_seq FROM batches WHERE leaf IS NULL
    ORDER BY received_at, agent, last_seq`,
  setLeaf: 'UPDATE batches SET leaf = ? WHERE agent = ? AND last_seq = ?',
} as const;

/** A signed log checkpoint as kept by its tree size. */
export interface LogCheckpointRow {
  size: number;
  note: string;
  signed_at: string;
}

/** A stored batch as the log sees it, in leaf order. */
export interface LeafRow {
  agent: string;
  first_seq: number;
  last_seq: number;
  checkpoint: string;
  signature: string;
  leaf: number;
}

/**
 * The log's tables in the collector store (migration 5): perfect-subtree
 * hashes by (level, index), signed checkpoints by size, and the leaf index
 * of every batch. Writes happen inside the ingest transaction.
 */
export class LogStore implements MerkleNodes {
  private readonly sql;

  constructor(db: Database.Database) {
    const prepare = (text: string) => db.prepare(text);
    this.sql = {
      node: prepare(LOG_SQL.node).pluck(),
      putNode: prepare(LOG_SQL.putNode),
      size: prepare(LOG_SQL.size).pluck(),
      putCheckpoint: prepare(LOG_SQL.putCheckpoint),
      latest: prepare(LOG_SQL.latest),
      checkpointAt: prepare(LOG_SQL.checkpointAt),
      leaves: prepare(LOG_SQL.leaves),
      unlogged: prepare(LOG_SQL.unlogged),
      setLeaf: prepare(LOG_SQL.setLeaf),
    };
  }

  get(level: number, index: number): Buffer | undefined {
    return this.sql.node.get(level, index) as Buffer | undefined;
  }

  put(level: number, index: number, hash: Buffer): void {
    this.sql.putNode.run(level, index, hash);
  }

  /** Number of leaves the log holds. */
  size(): number {
    return this.sql.size.get() as number;
  }

  putCheckpoint(row: LogCheckpointRow): void {
    this.sql.putCheckpoint.run(row.size, row.note, row.signed_at);
  }

  latestCheckpoint(): LogCheckpointRow | undefined {
    return this.sql.latest.get() as LogCheckpointRow | undefined;
  }

  checkpointAt(size: number): LogCheckpointRow | undefined {
    return this.sql.checkpointAt.get(size) as LogCheckpointRow | undefined;
  }

  /** Every batch that has a leaf, by leaf index, read as it goes. */
  leaves(): IterableIterator<LeafRow> {
    return this.sql.leaves.iterate() as IterableIterator<LeafRow>;
  }

  /** Batches stored before the log existed, in arrival order. */
  unlogged(): { agent: string; last_seq: number }[] {
    return this.sql.unlogged.all() as { agent: string; last_seq: number }[];
  }

  setLeaf(agent: string, lastSeq: number, leaf: number): void {
    this.sql.setLeaf.run(leaf, agent, lastSeq);
  }
}
