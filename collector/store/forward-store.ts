import type Database from 'better-sqlite3';
import type { BatchRow, EventRow, ViolationRecord } from './rows.js';

/* SIEM forwarding (collector/forward, issue 8): the store read as a log. */
const FORWARD_SQL = {
  // Batches in acceptance order (their transparency-log leaf). A batch
  // stored before migration 5 gets a leaf above every earlier one when the
  // log adopts it, so a cursor still reaches it.
  batchesFrom: `SELECT agent, first_seq, last_seq, leaf, received_at
    FROM batches WHERE leaf >= ? ORDER BY leaf LIMIT ?`,
  eventsAfter: `SELECT * FROM events
    WHERE agent = ? AND seq > ? AND seq <= ? ORDER BY seq LIMIT ?`,
  violationsAfter: `
    SELECT v.*, e.canonical AS event, a.vendor AS vendor, a.host AS host
    FROM violations v
    LEFT JOIN events e ON e.agent = v.agent AND e.seq = v.seq
      AND v.kind NOT LIKE 'integrity.%'
    LEFT JOIN agents a ON a.id = v.agent
    WHERE v.id > ? ORDER BY v.id LIMIT ?`,
  pendingEvents: `SELECT coalesce(sum(CASE WHEN leaf = @leaf
        THEN max(last_seq - max(@seq, first_seq - 1), 0)
        ELSE last_seq - first_seq + 1 END), 0) AS n
    FROM batches WHERE leaf >= @leaf`,
  pendingViolations: 'SELECT count(*) AS n FROM violations WHERE id > ?',
} as const;

/** A batch as forwarding walks them: by leaf, in acceptance order. */
export type ForwardBatchRow = Pick<
  BatchRow,
  'agent' | 'first_seq' | 'last_seq' | 'received_at'
> & { leaf: number };

/**
 * The queries of SIEM forwarding (collector/forward, docs/forwarding.md):
 * stored batches, events and violations read in pages after a cursor.
 */
export class ForwardStore {
  private readonly sql;

  constructor(db: Database.Database) {
    this.sql = {
      batchesFrom: db.prepare(FORWARD_SQL.batchesFrom),
      eventsAfter: db.prepare(FORWARD_SQL.eventsAfter),
      violationsAfter: db.prepare(FORWARD_SQL.violationsAfter),
      pendingEvents: db.prepare(FORWARD_SQL.pendingEvents).pluck(),
      pendingViolations: db.prepare(FORWARD_SQL.pendingViolations).pluck(),
    };
  }

  /** Up to `limit` batches with leaf at or above `leaf`, by leaf. */
  batchesFrom(leaf: number, limit: number): ForwardBatchRow[] {
    return this.sql.batchesFrom.all(leaf, limit) as ForwardBatchRow[];
  }

  /** Up to `limit` events of `agent` with seq in (after, last], by seq. */
  eventsAfter(
    agent: string,
    after: number,
    last: number,
    limit: number,
  ): EventRow[] {
    return this.sql.eventsAfter.all(agent, after, last, limit) as EventRow[];
  }

  /** Up to `limit` violations above id `after`, with event, vendor, host. */
  violationsAfter(
    after: number,
    limit: number,
  ): (ViolationRecord & { host: string | null })[] {
    return this.sql.violationsAfter.all(after, limit) as (ViolationRecord & {
      host: string | null;
    })[];
  }

  /** Events after (leaf, seq) and violations after `violation`, counted. */
  pending(
    leaf: number,
    seq: number,
    violation: number,
  ): { events: number; violations: number } {
    return {
      events: this.sql.pendingEvents.get({ leaf, seq }) as number,
      violations: this.sql.pendingViolations.get(violation) as number,
    };
  }
}
