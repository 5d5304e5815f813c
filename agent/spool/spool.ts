import Database from 'better-sqlite3';
import { GENESIS_HASH } from '../../protocol/chain.js';
import type { Envelope } from '../../protocol/seal.js';

const BUSY_TIMEOUT_MS = 5_000;
/**
 * SQLite's page cache, in KiB (its default is about 2,000). The spool is
 * written at one end and read at the other, so a small cache loses little,
 * and it stays in the agent's memory however long it idles.
 */
const CACHE_KIB = 256;

const SCHEMA = `
  CREATE TABLE IF NOT EXISTS chain (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    last_seq INTEGER NOT NULL,
    head TEXT NOT NULL
  );
  INSERT OR IGNORE INTO chain (id, last_seq, head) VALUES (1, 0, '${GENESIS_HASH}');
  CREATE TABLE IF NOT EXISTS envelopes (
    first_seq INTEGER PRIMARY KEY,
    last_seq INTEGER NOT NULL,
    head TEXT NOT NULL,
    body TEXT NOT NULL,
    bytes INTEGER NOT NULL,
    created_at TEXT NOT NULL
  );
  CREATE TABLE IF NOT EXISTS counters (
    name TEXT PRIMARY KEY,
    value INTEGER NOT NULL
  );
  CREATE TABLE IF NOT EXISTS kv (name TEXT PRIMARY KEY, value TEXT NOT NULL);
`;

export interface SpooledEnvelope {
  first: number;
  last: number;
  head: string;
  envelope: Envelope;
  /** Hex hash of the batch's transparency-log leaf; null in older spools. */
  leafHash: string | null;
}

export interface SpoolDepth {
  envelopes: number;
  events: number;
  bytes: number;
}

/**
 * The agent's spool (DESIGN section 3): sealed envelopes only, written and
 * fsynced before anything is sent, together with the chain's head so that a
 * restart continues the chain exactly where the last stored batch ended.
 */
export class Spool {
  private readonly db: Database.Database;
  private readonly sql;

  constructor(file: string) {
    this.db = new Database(file);
    this.db.pragma('journal_mode = WAL');
    this.db.pragma('synchronous = FULL');
    this.db.pragma(`busy_timeout = ${BUSY_TIMEOUT_MS}`);
    this.db.pragma(`cache_size = -${CACHE_KIB}`);
    this.db.exec(SCHEMA);
    addLeafColumn(this.db);
    this.sql = prepare(this.db);
  }

  close(): void {
    this.db.close();
  }

  /** Hands SQLite's cached pages back; the next reads fetch them again. */
  releaseMemory(): void {
    this.db.pragma('shrink_memory');
  }

  chainState(): { seq: number; head: string } {
    const row = this.sql.chain.get() as { last_seq: number; head: string };
    return { seq: row.last_seq, head: row.head };
  }

  /**
   * Stores a sealed batch and moves the chain head, atomically. `reported`
   * drops are those the batch's own `events.dropped` event accounts for;
   * `sources` name the sensor records the batch holds (see lastSealed).
   */
  append(
    envelope: Envelope,
    head: string,
    reported = 0,
    sources: string[] = [],
    leafHash: string | null = null,
  ): void {
    const body = JSON.stringify(envelope);
    const { first, last } = envelope;
    this.db
      .transaction(() => {
        const now = new Date().toISOString();
        this.sql.insert.run(
          first,
          last,
          head,
          body,
          body.length,
          now,
          leafHash,
        );
        this.sql.setChain.run(last, head);
        this.bump('captured', last - first + 1);
        if (reported > 0) this.bump('unreported_drops', -reported);
        this.sql.setKv.run('last_sealed', JSON.stringify(sources));
      })
      .immediate();
  }

  /**
   * Counts events that did not fit: captured, dropped, and waiting to be
   * reported by a signed `events.dropped` event.
   */
  recordDrop(count: number): void {
    this.db
      .transaction(() => {
        this.bump('captured', count);
        this.bump('dropped', count);
        this.bump('unreported_drops', count);
      })
      .immediate();
  }

  /** Dropped events that no `events.dropped` event in the spool reports yet. */
  unreportedDrops(): number {
    return this.counters().unreported_drops ?? 0;
  }

  oldest(): SpooledEnvelope | undefined {
    const row = this.sql.oldest.get() as
      | {
          first_seq: number;
          last_seq: number;
          head: string;
          body: string;
          leaf_hash: string | null;
        }
      | undefined;
    if (!row) return undefined;
    return {
      first: row.first_seq,
      last: row.last_seq,
      head: row.head,
      envelope: JSON.parse(row.body) as Envelope,
      leafHash: row.leaf_hash,
    };
  }

  /** Deletes an envelope once its receipt was verified, and keeps the receipt. */
  acknowledge(item: SpooledEnvelope, receipt: unknown): void {
    this.db
      .transaction(() => {
        if (this.sql.remove.run(item.first).changes === 1) {
          this.bump('sent', item.last - item.first + 1);
        }
        this.sql.setKv.run('last_receipt', JSON.stringify(receipt));
      })
      .immediate();
  }

  depth(): SpoolDepth {
    return this.sql.depth.get() as SpoolDepth;
  }

  counters(): Record<string, number> {
    const rows = this.sql.counters.all() as { name: string; value: number }[];
    return Object.fromEntries(rows.map((r) => [r.name, r.value]));
  }

  /**
   * The sensor records of the last sealed batch. A sensor saves its read
   * position right after a batch is sealed; a crash in between re-reads
   * just these, and they must not be sealed twice.
   */
  lastSealed(): Set<string> {
    const row = this.sql.getKv.get('last_sealed') as
      { value: string } | undefined;
    return new Set(row ? (JSON.parse(row.value) as string[]) : []);
  }

  /** Saves what `vigil agent status` shows beside the spool's counters. */
  setStatus(status: unknown): void {
    this.sql.setKv.run('status', JSON.stringify(status));
  }

  status(): unknown {
    const row = this.sql.getKv.get('status') as { value: string } | undefined;
    return row ? (JSON.parse(row.value) as unknown) : null;
  }

  lastReceipt(): unknown {
    const row = this.sql.getKv.get('last_receipt') as
      { value: string } | undefined;
    return row ? (JSON.parse(row.value) as unknown) : null;
  }

  private bump(name: string, by: number): void {
    this.sql.bump.run(name, by);
  }
}

function prepare(db: Database.Database) {
  return {
    chain: db.prepare('SELECT last_seq, head FROM chain WHERE id = 1'),
    setChain: db.prepare(
      'UPDATE chain SET last_seq = ?, head = ? WHERE id = 1',
    ),
    insert: db.prepare(
      `INSERT INTO envelopes (first_seq, last_seq, head, body, bytes,
         created_at, leaf_hash)
       VALUES (?, ?, ?, ?, ?, ?, ?)`,
    ),
    oldest: db.prepare('SELECT * FROM envelopes ORDER BY first_seq LIMIT 1'),
    remove: db.prepare('DELETE FROM envelopes WHERE first_seq = ?'),
    depth: db.prepare(
      `SELECT count(*) AS envelopes,
              coalesce(sum(last_seq - first_seq + 1), 0) AS events,
              coalesce(sum(bytes), 0) AS bytes FROM envelopes`,
    ),
    counters: db.prepare('SELECT name, value FROM counters'),
    bump: db.prepare(
      `INSERT INTO counters (name, value) VALUES (?, ?)
       ON CONFLICT (name) DO UPDATE SET value = value + excluded.value`,
    ),
    setKv: db.prepare(
      `INSERT INTO kv (name, value) VALUES (?, ?)
       ON CONFLICT (name) DO UPDATE SET value = excluded.value`,
    ),
    getKv: db.prepare('SELECT value FROM kv WHERE name = ?'),
  };
}

// Spools written before the transparency log lack the leaf hash column.
function addLeafColumn(db: Database.Database): void {
  const columns = db.pragma('table_info(envelopes)') as { name: string }[];
  if (!columns.some((c) => c.name === 'leaf_hash')) {
    db.exec('ALTER TABLE envelopes ADD COLUMN leaf_hash TEXT');
  }
}
