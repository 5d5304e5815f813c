import type { AccessEvent } from '../../protocol/event.js';
import type { CollectorStore, ViolationRecord } from '../store/store.js';
import type { ForwardCursor } from './cursor-store.js';

/** Records read per page: one POST or one fsynced append. */
export const PAGE_RECORDS = 500;

/** Batches looked up per query while a page fills. */
const BATCHES_PER_QUERY = 64;

/** A stored access event and when the collector received its batch. */
export interface EventItem {
  kind: 'event';
  /** `<agent>:<seq>`: the same on every send, for receivers to de-duplicate. */
  id: string;
  event: AccessEvent;
  receivedAt: string;
}

/** A violation as stored, with the agent's vendor and host when known. */
export type ForwardViolation = ViolationRecord & { host: string | null };

/** A violation and, for those raised on an event, that event. */
export interface ViolationItem {
  kind: 'violation';
  /** `violation:<id>`, stable like an event's id. */
  id: string;
  violation: ForwardViolation;
  event: AccessEvent | null;
}

export type ForwardItem = EventItem | ViolationItem;

/** Records after a cursor, and the cursor once they are acknowledged. */
export interface Page {
  items: ForwardItem[];
  cursor: ForwardCursor;
}

/**
 * Reads what a sink has not acknowledged yet, a page at a time, from its
 * own read-only connection: WAL readers never block ingest's writer, and
 * a page bounds the memory used whatever the backlog.
 */
export class ForwardReader {
  constructor(
    private readonly store: CollectorStore,
    private readonly pageSize = PAGE_RECORDS,
  ) {}

  /** Events after the cursor, in batch acceptance order, then seq. */
  events(cursor: ForwardCursor): Page {
    const items: EventItem[] = [];
    let { leaf, seq } = cursor.events;
    for (;;) {
      const batches = this.store.forward.batchesFrom(leaf, BATCHES_PER_QUERY);
      for (const batch of batches) {
        const after =
          batch.leaf === leaf
            ? Math.max(seq, batch.first_seq - 1)
            : batch.first_seq - 1;
        const rows = this.store.forward.eventsAfter(
          batch.agent,
          after,
          batch.last_seq,
          this.pageSize - items.length,
        );
        for (const row of rows) {
          const event = JSON.parse(row.canonical) as AccessEvent;
          const id = `${row.agent}:${row.seq}`;
          items.push({
            kind: 'event',
            id,
            event,
            receivedAt: batch.received_at,
          });
          leaf = batch.leaf;
          seq = row.seq;
        }
        if (items.length >= this.pageSize)
          return this.page(items, cursor, { leaf, seq });
        leaf = batch.leaf;
        seq = batch.last_seq;
      }
      // The last batch read comes back first in the next query, done.
      if (batches.length < BATCHES_PER_QUERY) break;
    }
    return this.page(items, cursor, { leaf, seq });
  }

  /** Every violation after the cursor, by id: policy, integrity, watchdog. */
  violations(cursor: ForwardCursor): Page {
    const rows = this.store.forward.violationsAfter(
      cursor.violations,
      this.pageSize,
    );
    const items = rows.map((violation): ViolationItem => ({
      kind: 'violation',
      id: `violation:${violation.id}`,
      violation,
      event: violation.event
        ? (JSON.parse(violation.event) as AccessEvent)
        : null,
    }));
    const last = rows.at(-1)?.id ?? cursor.violations;
    return { items, cursor: { ...cursor, violations: last } };
  }

  /** Records stored but not yet acknowledged: the sink's lag. */
  pending(cursor: ForwardCursor): number {
    const { leaf, seq } = cursor.events;
    const n = this.store.forward.pending(leaf, seq, cursor.violations);
    return n.events + n.violations;
  }

  private page(
    items: ForwardItem[],
    cursor: ForwardCursor,
    events: ForwardCursor['events'],
  ): Page {
    return { items, cursor: { ...cursor, events } };
  }
}
