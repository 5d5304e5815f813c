import Database from 'better-sqlite3';
import { CollectorError } from '../errors.js';
import { MIGRATIONS } from './migrations.js';

/** How long a writer waits for SQLite's lock before giving up. */
const BUSY_TIMEOUT_MS = 5_000;

export interface AgentRow {
  id: string;
  vendor: string;
  host: string;
  cert_serial: string;
  cert_pem: string;
  enrolled_at: string;
  revoked_at: string | null;
  last_seq: number;
  head: string;
  last_seen: string | null;
}

export interface BatchRow {
  agent: string;
  first_seq: number;
  last_seq: number;
  head: string;
  checkpoint: string;
  signature: string;
  receipt: string;
  received_at: string;
}

export interface EventRow {
  agent: string;
  seq: number;
  hash: string;
  canonical: string;
}

export interface ViolationRow {
  agent: string;
  seq: number;
  policy: string;
  rule: string;
  kind: string;
  severity: string;
  reason: string;
  policy_hash: string;
  compliance: string;
  created_at: string;
}

export interface StoredViolation extends ViolationRow {
  id: number;
  status: string;
  event: string;
}

export interface TokenRow {
  token_hash: string;
  vendor: string;
  created_at: string;
  expires_at: string;
  used_at: string | null;
}

/**
 * The collector's SQLite store: the only module that holds SQL. WAL mode so
 * readers (reports, the CLI) never block ingest.
 */
export class CollectorStore {
  readonly db: Database.Database;
  private readonly sql;

  constructor(file: string, options: { readonly?: boolean } = {}) {
    this.db = new Database(file, {
      readonly: options.readonly ?? false,
      fileMustExist: options.readonly ?? false,
    });
    this.db.pragma(`busy_timeout = ${BUSY_TIMEOUT_MS}`);
    if (!options.readonly) {
      this.db.pragma('journal_mode = WAL');
      this.db.pragma('synchronous = FULL');
      migrate(this.db);
    }
    this.sql = prepare(this.db);
  }

  close(): void {
    this.db.close();
  }

  /** Runs `fn` in one IMMEDIATE transaction: all of it commits or none. */
  transaction<T>(fn: () => T): T {
    return this.db.transaction(fn).immediate();
  }

  insertAgent(row: Omit<AgentRow, 'last_seen' | 'revoked_at'>): void {
    this.sql.insertAgent.run(row);
  }

  getAgent(id: string): AgentRow | undefined {
    return this.sql.getAgent.get(id) as AgentRow | undefined;
  }

  listAgents(): AgentRow[] {
    return this.sql.listAgents.all() as AgentRow[];
  }

  advanceAgent(id: string, lastSeq: number, head: string, seen: string) {
    this.sql.advanceAgent.run({ id, last_seq: lastSeq, head, seen });
  }

  insertToken(row: Omit<TokenRow, 'used_at'>): void {
    this.sql.insertToken.run(row);
  }

  getToken(hash: string): TokenRow | undefined {
    return this.sql.getToken.get(hash) as TokenRow | undefined;
  }

  /** Marks a token used; false when another request used it first. */
  useToken(hash: string, usedAt: string, usedBy: string): boolean {
    return this.sql.useToken.run(usedAt, usedBy, hash).changes === 1;
  }

  getBatch(agent: string, lastSeq: number): BatchRow | undefined {
    return this.sql.getBatch.get(agent, lastSeq) as BatchRow | undefined;
  }

  insertBatch(row: BatchRow): void {
    this.sql.insertBatch.run(row);
  }

  insertEvent(row: EventRow): void {
    this.sql.insertEvent.run(row.agent, row.seq, row.hash, row.canonical);
  }

  getEvent(agent: string, seq: number): EventRow | undefined {
    return this.sql.getEvent.get(agent, seq) as EventRow | undefined;
  }

  /** Every stored event of one agent, in seq order, without loading all. */
  iterateEvents(agent: string): IterableIterator<EventRow> {
    return this.sql.eventsOf.iterate(agent) as IterableIterator<EventRow>;
  }

  insertViolation(row: ViolationRow): number {
    return Number(this.sql.insertViolation.run(row).lastInsertRowid);
  }

  listViolations(): StoredViolation[] {
    return this.sql.listViolations.all() as StoredViolation[];
  }

  /** Violations with id above `afterId`, oldest first (for live tails). */
  violationsAfter(afterId: number): StoredViolation[] {
    return this.sql.violationsAfter.all(afterId) as StoredViolation[];
  }

  counts(): { events: number; batches: number; violations: number } {
    return this.sql.counts.get() as {
      events: number;
      batches: number;
      violations: number;
    };
  }
}

function migrate(db: Database.Database): void {
  const version = db.pragma('user_version', { simple: true }) as number;
  if (version > MIGRATIONS.length) {
    throw new CollectorError(
      'VIGIL_STORE_VERSION_UNSUPPORTED',
      `store schema version ${version} is newer than this Vigil ` +
        `(knows ${MIGRATIONS.length}); upgrade Vigil`,
    );
  }
  db.transaction(() => {
    MIGRATIONS.slice(version).forEach((sql, i) => {
      db.exec(sql);
      db.pragma(`user_version = ${version + i + 1}`);
    });
  }).immediate();
}

const VIOLATION_SELECT = `
  SELECT v.*, e.canonical AS event FROM violations v
  JOIN events e ON e.agent = v.agent AND e.seq = v.seq`;

function prepare(db: Database.Database) {
  return {
    insertAgent: db.prepare(
      `INSERT INTO agents (id, vendor, host, cert_serial, cert_pem,
         enrolled_at, last_seq, head)
       VALUES (@id, @vendor, @host, @cert_serial, @cert_pem, @enrolled_at,
         @last_seq, @head)`,
    ),
    getAgent: db.prepare('SELECT * FROM agents WHERE id = ?'),
    listAgents: db.prepare('SELECT * FROM agents ORDER BY id'),
    advanceAgent: db.prepare(
      `UPDATE agents SET last_seq = @last_seq, head = @head,
         last_seen = @seen WHERE id = @id`,
    ),
    insertToken: db.prepare(
      `INSERT INTO enroll_tokens (token_hash, vendor, created_at, expires_at)
       VALUES (@token_hash, @vendor, @created_at, @expires_at)`,
    ),
    getToken: db.prepare('SELECT * FROM enroll_tokens WHERE token_hash = ?'),
    useToken: db.prepare(
      `UPDATE enroll_tokens SET used_at = ?, used_by = ?
       WHERE token_hash = ? AND used_at IS NULL`,
    ),
    getBatch: db.prepare(
      'SELECT * FROM batches WHERE agent = ? AND last_seq = ?',
    ),
    insertBatch: db.prepare(
      `INSERT INTO batches (agent, first_seq, last_seq, head, checkpoint,
         signature, receipt, received_at)
       VALUES (@agent, @first_seq, @last_seq, @head, @checkpoint,
         @signature, @receipt, @received_at)`,
    ),
    insertEvent: db.prepare(
      'INSERT INTO events (agent, seq, hash, canonical) VALUES (?, ?, ?, ?)',
    ),
    getEvent: db.prepare('SELECT * FROM events WHERE agent = ? AND seq = ?'),
    eventsOf: db.prepare('SELECT * FROM events WHERE agent = ? ORDER BY seq'),
    insertViolation: db.prepare(
      `INSERT INTO violations (agent, seq, policy, rule, kind, severity,
         reason, policy_hash, compliance, created_at)
       VALUES (@agent, @seq, @policy, @rule, @kind, @severity, @reason,
         @policy_hash, @compliance, @created_at)`,
    ),
    listViolations: db.prepare(`${VIOLATION_SELECT} ORDER BY v.id`),
    violationsAfter: db.prepare(
      `${VIOLATION_SELECT} WHERE v.id > ? ORDER BY v.id`,
    ),
    counts: db.prepare(
      `SELECT (SELECT count(*) FROM events) AS events,
              (SELECT count(*) FROM batches) AS batches,
              (SELECT count(*) FROM violations) AS violations`,
    ),
  };
}
