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
  /** Canonical text of the event; null for integrity.* violations. */
  event: string | null;
}

export interface TokenRow {
  token_hash: string;
  vendor: string;
  created_at: string;
  expires_at: string;
  used_at: string | null;
}

/** A range of seqs an agent skipped, and its integrity.gap violation. */
export interface GapRow {
  agent: string;
  first_seq: number;
  last_seq: number;
  violation_id: number;
  detected_at: string;
  resolved_at: string | null;
  resolved_by: string | null;
  note: string | null;
}

/** A signed batch that contradicts the stored chain, kept as evidence. */
export interface AsideRow {
  id: number;
  agent: string;
  first_seq: number;
  last_seq: number;
  /** Hash of its last event: with the seqs, it names the events held. */
  head: string;
  conflict_seq: number;
  /** The whole batch (checkpoint, signature, events), canonical JSON. */
  canonical: string;
  violation_id: number;
  received_at: string;
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

  /* Chain integrity (collector/ingest, docs/ingest.md). */

  /** Seq and hash of the stored events of `agent` in [from, to], in order. */
  eventHashesIn(
    agent: string,
    from: number,
    to: number,
  ): { seq: number; hash: string }[] {
    return this.chainSql.hashesIn.all(agent, from, to) as {
      seq: number;
      hash: string;
    }[];
  }

  /** The highest stored seq of `agent` below `seq`; 0 when there is none. */
  storedSeqBelow(agent: string, seq: number): number {
    const row = this.chainSql.seqBelow.get(agent, seq) as { seq: number };
    return row.seq;
  }

  countEventsIn(agent: string, from: number, to: number): number {
    const row = this.chainSql.countIn.get(agent, from, to) as { n: number };
    return row.n;
  }

  batchStartingAt(agent: string, firstSeq: number): BatchRow | undefined {
    return this.chainSql.batchAt.get(agent, firstSeq) as BatchRow | undefined;
  }

  /** Records that a batch arrived without moving the contiguous head. */
  touchAgent(id: string, seen: string): void {
    this.chainSql.touchAgent.run(seen, id);
  }

  insertGap(row: Omit<GapRow, 'resolved_at' | 'resolved_by' | 'note'>): void {
    this.chainSql.insertGap.run(row);
  }

  /** The open gap of `agent` that contains `seq`, if any. */
  openGapAt(agent: string, seq: number): GapRow | undefined {
    return this.chainSql.openGapAt.get(agent, seq, seq) as GapRow | undefined;
  }

  /** Open gaps of `agent` that share a seq with [from, to]. */
  openGapsIn(agent: string, from: number, to: number): GapRow[] {
    return this.chainSql.openGapsIn.all(agent, to, from) as GapRow[];
  }

  /** Marks a gap filled, with when, by whom and a note. */
  resolveGap(
    agent: string,
    firstSeq: number,
    by: { at: string; by: string; note: string },
  ): void {
    this.chainSql.resolveGap.run({ agent, first_seq: firstSeq, ...by });
  }

  gapsOf(agent: string): GapRow[] {
    return this.chainSql.gapsOf.all(agent) as GapRow[];
  }

  /** Whether these events (a batch's seqs and head) are already aside. */
  hasAside(row: Pick<AsideRow, 'agent' | 'first_seq' | 'last_seq' | 'head'>) {
    return this.chainSql.hasAside.get(row) !== undefined;
  }

  insertAside(row: Omit<AsideRow, 'id'>): number {
    return Number(this.chainSql.insertAside.run(row).lastInsertRowid);
  }

  asideOf(agent: string): AsideRow[] {
    return this.chainSql.asideOf.all(agent) as AsideRow[];
  }

  // Prepared on first use, so a read-only store of an older schema opens.
  private chainCache: ReturnType<typeof prepareChain> | undefined;
  private get chainSql(): ReturnType<typeof prepareChain> {
    return (this.chainCache ??= prepareChain(this.db));
  }

  // People, revocation and watchdogs (issue 4). Statements are prepared on
  // first use, so a read-only store of an older schema still opens.
  private readonly lazy = new Map<string, Database.Statement>();

  private st(sql: string): Database.Statement {
    let statement = this.lazy.get(sql);
    if (!statement) {
      statement = this.db.prepare(sql);
      this.lazy.set(sql, statement);
    }
    return statement;
  }

  /** Sets revoked_at; false when the agent is unknown or already revoked. */
  revokeAgent(id: string, at: string, reason: string | null): boolean {
    return this.st(PEOPLE_SQL.revokeAgent).run(at, reason, id).changes === 1;
  }

  insertAudit(row: Omit<AuditRow, 'id'>): number {
    return Number(this.st(PEOPLE_SQL.insertAudit).run(row).lastInsertRowid);
  }

  /** Audit log entries with id above `afterId`, oldest first. */
  listAudit(afterId: number, limit: number): AuditRow[] {
    return this.st(PEOPLE_SQL.listAudit).all(afterId, limit) as AuditRow[];
  }

  insertApiUser(row: Omit<ApiUserRow, 'disabled_at'>): void {
    this.st(PEOPLE_SQL.insertApiUser).run(row);
  }

  /** The enabled user holding the token with this hash. */
  apiUserByTokenHash(hash: string): ApiUserRow | undefined {
    return this.st(PEOPLE_SQL.apiUserByToken).get(hash) as
      ApiUserRow | undefined;
  }

  getApiUser(name: string): ApiUserRow | undefined {
    return this.st(PEOPLE_SQL.getApiUser).get(name) as ApiUserRow | undefined;
  }

  listApiUsers(): ApiUserRow[] {
    return this.st(PEOPLE_SQL.listApiUsers).all() as ApiUserRow[];
  }

  /** Disables a user's token; false when unknown or already disabled. */
  disableApiUser(name: string, at: string): boolean {
    return this.st(PEOPLE_SQL.disableApiUser).run(at, name).changes === 1;
  }

  /** Violations matching `filter`, with their event when stored, by id. */
  queryViolations(filter: ViolationFilter): ViolationRecord[] {
    return this.st(PEOPLE_SQL.queryViolations).all(
      filterParams(filter),
    ) as ViolationRecord[];
  }

  getViolation(id: number): ViolationRecord | undefined {
    return this.st(PEOPLE_SQL.getViolation).get(id) as
      ViolationRecord | undefined;
  }

  /** Moves a violation from `from` to `to`; false when it was not in `from`. */
  setViolationStatus(id: number, from: string, to: string): boolean {
    return this.st(PEOPLE_SQL.setStatus).run(to, id, from).changes === 1;
  }

  insertHistory(row: Omit<HistoryRow, 'id'>): void {
    this.st(PEOPLE_SQL.insertHistory).run(row);
  }

  historyOf(violation: number): HistoryRow[] {
    return this.st(PEOPLE_SQL.historyOf).all(violation) as HistoryRow[];
  }

  /** Violations not yet resolved, counted by severity. */
  unresolvedBySeverity(): { severity: string; count: number }[] {
    return this.st(PEOPLE_SQL.unresolvedBySeverity).all() as {
      severity: string;
      count: number;
    }[];
  }

  getWatch(agent: string, watch: string): WatchRow | undefined {
    return this.st(PEOPLE_SQL.getWatch).get(agent, watch) as
      WatchRow | undefined;
  }

  openWatch(row: WatchRow): void {
    this.st(PEOPLE_SQL.openWatch).run(row);
  }

  closeWatch(agent: string, watch: string): void {
    this.st(PEOPLE_SQL.closeWatch).run(agent, watch);
  }

  /** Every watchdog condition that holds now. */
  listWatches(): WatchRow[] {
    return this.st(PEOPLE_SQL.listWatches).all() as WatchRow[];
  }

  /** The agent's own meta events (source "agent") among seq first..last. */
  metaEventsIn(agent: string, first: number, last: number): EventRow[] {
    return this.st(PEOPLE_SQL.metaEventsIn).all(
      agent,
      first,
      last,
    ) as EventRow[];
  }

  /** Throws when the store cannot be read (for /healthz). */
  ping(): void {
    this.st('SELECT 1').get();
  }

  /** Copies the store, consistent while ingest writes (SQLite online backup). */
  async backup(file: string): Promise<void> {
    await this.db.backup(file);
  }

  /* Limit counters and policy replay (collector/policy, issue 5). */

  /** Adds one matching event at `timeMs` (event time) to a limit's slot. */
  addLimitHit(slot: LimitSlotRow, timeMs: number): void {
    this.st(LIMIT_SQL.addHit).run(slot.policy, slot.limit, slot.key, timeMs);
  }

  /** The slot's matching events with a time in (afterMs, untilMs]. */
  countLimitHits(slot: LimitSlotRow, afterMs: number, untilMs: number) {
    const row = this.st(LIMIT_SQL.countHits).get(
      slot.policy,
      slot.limit,
      slot.key,
      afterMs,
      untilMs,
    ) as { n: number };
    return row.n;
  }

  /** Forgets the slot's hits at or before `upToMs`. */
  forgetLimitHits(slot: LimitSlotRow, upToMs: number): void {
    this.st(LIMIT_SQL.forgetHits).run(
      slot.policy,
      slot.limit,
      slot.key,
      upToMs,
    );
  }

  /** The earliest violation time of the slot in (afterMs, beforeMs). */
  limitFlagIn(
    slot: LimitSlotRow,
    afterMs: number,
    beforeMs: number,
  ): number | undefined {
    const row = this.st(LIMIT_SQL.flagIn).get(
      slot.policy,
      slot.limit,
      slot.key,
      afterMs,
      beforeMs,
    ) as { time_ms: number } | undefined;
    return row?.time_ms;
  }

  addLimitFlag(slot: LimitSlotRow, timeMs: number): void {
    this.st(LIMIT_SQL.addFlag).run(slot.policy, slot.limit, slot.key, timeMs);
  }

  /** Forgets the slot's violation times at or before `upToMs`. */
  forgetLimitFlags(slot: LimitSlotRow, upToMs: number): void {
    this.st(LIMIT_SQL.forgetFlags).run(
      slot.policy,
      slot.limit,
      slot.key,
      upToMs,
    );
  }

  /** Forgets every limit hit and flag at or before `upToMs`; returns rows. */
  pruneLimits(upToMs: number): number {
    const hits = this.st(LIMIT_SQL.pruneHits).run(upToMs).changes;
    return hits + this.st(LIMIT_SQL.pruneFlags).run(upToMs).changes;
  }

  /**
   * Events whose time is at or after `cutoff` (ISO 8601), oldest first,
   * plus those whose time SQLite cannot read (time null or unparsed), which
   * the caller judges. Scans every event: times live in the canonical text.
   */
  iterateEventsSince(cutoff: string): IterableIterator<TimedEventRow> {
    return this.st(LIMIT_SQL.eventsSince).iterate(
      cutoff,
    ) as IterableIterator<TimedEventRow>;
  }

  /**
   * Violations raised by policies (kinds deny, default-deny and limit) on
   * events whose time is at or after `cutoff`, or unreadable by SQLite,
   * with that time, by id.
   */
  policyViolationsSince(cutoff: string): PolicyViolationRow[] {
    return this.st(LIMIT_SQL.policyViolationsSince).all(
      cutoff,
    ) as PolicyViolationRow[];
  }

  /** The time of the slot's newest hit; undefined when it holds none. */
  newestLimitHit(slot: LimitSlotRow): number | undefined {
    const row = this.st(LIMIT_SQL.newestHit).get(
      slot.policy,
      slot.limit,
      slot.key,
    ) as { time_ms: number } | undefined;
    return row?.time_ms;
  }

  /** The slot's hits after `afterMs`, oldest first, n per millisecond. */
  limitHitsSince(
    slot: LimitSlotRow,
    afterMs: number,
  ): { time_ms: number; n: number }[] {
    return this.st(LIMIT_LOAD_SQL.hitsSince).all(
      slot.policy,
      slot.limit,
      slot.key,
      afterMs,
    ) as { time_ms: number; n: number }[];
  }

  /** Times of the slot's violations after `afterMs`, oldest first. */
  limitFlagsSince(slot: LimitSlotRow, afterMs: number): number[] {
    return this.st(LIMIT_LOAD_SQL.flagsSince)
      .pluck()
      .all(slot.policy, slot.limit, slot.key, afterMs) as number[];
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

// Integrity violations (kind integrity.*) name a seq but no event of theirs.
const VIOLATION_SELECT = `
  SELECT v.*, e.canonical AS event FROM violations v
  LEFT JOIN events e ON e.agent = v.agent AND e.seq = v.seq
    AND v.kind NOT LIKE 'integrity.%'`;

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

function prepareChain(db: Database.Database) {
  return {
    hashesIn: db.prepare(
      `SELECT seq, hash FROM events
       WHERE agent = ? AND seq BETWEEN ? AND ? ORDER BY seq`,
    ),
    seqBelow: db.prepare(
      'SELECT coalesce(max(seq), 0) AS seq FROM events WHERE agent = ? AND seq < ?',
    ),
    countIn: db.prepare(
      'SELECT count(*) AS n FROM events WHERE agent = ? AND seq BETWEEN ? AND ?',
    ),
    batchAt: db.prepare(
      'SELECT * FROM batches WHERE agent = ? AND first_seq = ?',
    ),
    touchAgent: db.prepare('UPDATE agents SET last_seen = ? WHERE id = ?'),
    insertGap: db.prepare(
      `INSERT INTO chain_gaps (agent, first_seq, last_seq, violation_id,
         detected_at)
       VALUES (@agent, @first_seq, @last_seq, @violation_id, @detected_at)`,
    ),
    openGapAt: db.prepare(
      `SELECT * FROM chain_gaps WHERE agent = ? AND resolved_at IS NULL
         AND first_seq <= ? AND last_seq >= ?`,
    ),
    openGapsIn: db.prepare(
      `SELECT * FROM chain_gaps WHERE agent = ? AND resolved_at IS NULL
         AND first_seq <= ? AND last_seq >= ? ORDER BY first_seq`,
    ),
    resolveGap: db.prepare(
      `UPDATE chain_gaps SET resolved_at = @at, resolved_by = @by, note = @note
       WHERE agent = @agent AND first_seq = @first_seq`,
    ),
    gapsOf: db.prepare(
      'SELECT * FROM chain_gaps WHERE agent = ? ORDER BY first_seq',
    ),
    hasAside: db.prepare(
      `SELECT 1 FROM batches_aside WHERE agent = @agent
         AND first_seq = @first_seq AND last_seq = @last_seq AND head = @head`,
    ),
    insertAside: db.prepare(
      `INSERT INTO batches_aside (agent, first_seq, last_seq, head,
         conflict_seq, canonical, violation_id, received_at)
       VALUES (@agent, @first_seq, @last_seq, @head, @conflict_seq,
         @canonical, @violation_id, @received_at)`,
    ),
    asideOf: db.prepare(
      'SELECT * FROM batches_aside WHERE agent = ? ORDER BY id',
    ),
  };
}

/* People, revocation and watchdogs (issue 4). */

/** An agent row with the columns added by migration 3. */
export interface AgentRecord extends AgentRow {
  revoked_reason: string | null;
}

export interface ApiUserRow {
  name: string;
  role: string;
  token_hash: string;
  created_at: string;
  created_by: string;
  disabled_at: string | null;
}

export interface HistoryRow {
  id: number;
  violation: number;
  at: string;
  actor: string;
  role: string;
  action: string;
  from_status: string;
  to_status: string;
  note: string | null;
}

export interface AuditRow {
  id: number;
  at: string;
  actor: string;
  action: string;
  target: string;
  /** JSON object. */
  detail: string;
}

/** A watchdog condition that holds now, and the violation it raised. */
export interface WatchRow {
  agent: string;
  watch: string;
  violation: number;
  since: string;
}

/** A violation with its event's canonical text (null when none is stored). */
export interface ViolationRecord extends ViolationRow {
  id: number;
  status: string;
  event: string | null;
  vendor: string | null;
}

/** Each list matches any of its values; an absent field matches all. */
export interface ViolationFilter {
  status?: string[];
  severity?: string[];
  policy?: string[];
  kind?: string[];
  vendor?: string[];
  agent?: string[];
  /** created_at bounds, ISO 8601 UTC: since inclusive, until exclusive. */
  since?: string;
  until?: string;
  /** Only ids above this (the page cursor). */
  after?: number;
  /** Default: no limit. */
  limit?: number;
}

function filterParams(f: ViolationFilter): Record<string, unknown> {
  const list = (values?: string[]) =>
    values && values.length > 0 ? JSON.stringify(values) : null;
  return {
    status: list(f.status),
    severity: list(f.severity),
    policy: list(f.policy),
    kind: list(f.kind),
    vendor: list(f.vendor),
    agent: list(f.agent),
    since: f.since ?? null,
    until: f.until ?? null,
    after: f.after ?? 0,
    limit: f.limit ?? -1,
  };
}

// Like VIOLATION_SELECT, integrity.* violations name a seq but no event.
const VIOLATION_RECORD = `
  SELECT v.*, e.canonical AS event, a.vendor AS vendor FROM violations v
  LEFT JOIN events e ON e.agent = v.agent AND e.seq = v.seq
    AND v.kind NOT LIKE 'integrity.%'
  LEFT JOIN agents a ON a.id = v.agent`;

// One static statement for every filter: an absent list is NULL and matches
// all, a present one is a JSON array read by json_each.
const PEOPLE_SQL = {
  revokeAgent: `UPDATE agents SET revoked_at = ?, revoked_reason = ?
    WHERE id = ? AND revoked_at IS NULL`,
  insertAudit: `INSERT INTO audit_log (at, actor, action, target, detail)
    VALUES (@at, @actor, @action, @target, @detail)`,
  listAudit: 'SELECT * FROM audit_log WHERE id > ? ORDER BY id LIMIT ?',
  insertApiUser: `INSERT INTO api_users (name, role, token_hash, created_at,
      created_by)
    VALUES (@name, @role, @token_hash, @created_at, @created_by)`,
  apiUserByToken: `SELECT * FROM api_users
    WHERE token_hash = ? AND disabled_at IS NULL`,
  getApiUser: 'SELECT * FROM api_users WHERE name = ?',
  listApiUsers: 'SELECT * FROM api_users ORDER BY name',
  disableApiUser: `UPDATE api_users SET disabled_at = ?
    WHERE name = ? AND disabled_at IS NULL`,
  queryViolations: `${VIOLATION_RECORD}
    WHERE v.id > @after
      AND (@status IS NULL OR v.status IN (SELECT value FROM json_each(@status)))
      AND (@severity IS NULL
        OR v.severity IN (SELECT value FROM json_each(@severity)))
      AND (@policy IS NULL OR v.policy IN (SELECT value FROM json_each(@policy)))
      AND (@kind IS NULL OR v.kind IN (SELECT value FROM json_each(@kind)))
      AND (@vendor IS NULL OR a.vendor IN (SELECT value FROM json_each(@vendor)))
      AND (@agent IS NULL OR v.agent IN (SELECT value FROM json_each(@agent)))
      AND (@since IS NULL OR v.created_at >= @since)
      AND (@until IS NULL OR v.created_at < @until)
    ORDER BY v.id LIMIT @limit`,
  getViolation: `${VIOLATION_RECORD} WHERE v.id = ?`,
  setStatus: 'UPDATE violations SET status = ? WHERE id = ? AND status = ?',
  insertHistory: `INSERT INTO violation_history (violation, at, actor, role,
      action, from_status, to_status, note)
    VALUES (@violation, @at, @actor, @role, @action, @from_status,
      @to_status, @note)`,
  historyOf: 'SELECT * FROM violation_history WHERE violation = ? ORDER BY id',
  unresolvedBySeverity: `SELECT severity, count(*) AS count FROM violations
    WHERE status IN ('open', 'acknowledged') GROUP BY severity`,
  getWatch: 'SELECT * FROM watchdog_open WHERE agent = ? AND watch = ?',
  openWatch: `INSERT INTO watchdog_open (agent, watch, violation, since)
    VALUES (@agent, @watch, @violation, @since)`,
  closeWatch: 'DELETE FROM watchdog_open WHERE agent = ? AND watch = ?',
  listWatches: 'SELECT * FROM watchdog_open ORDER BY agent, watch',
  // instr() on the canonical text keeps the other events in SQLite; the
  // caller parses and checks what it gets.
  metaEventsIn: `SELECT * FROM events
    WHERE agent = ? AND seq BETWEEN ? AND ?
      AND instr(canonical, '"source":"agent"') > 0
    ORDER BY seq`,
} as const;

/* Limit counters and policy replay (issue 5). */

/** One limit's count for one key (collector/policy/limit-counter.ts). */
export interface LimitSlotRow {
  policy: string;
  limit: string;
  key: string;
}

/** An event with the time from its canonical text (null: unreadable). */
export interface TimedEventRow extends EventRow {
  time: string | null;
}

/** A policy violation with its event's time (null: unreadable). */
export interface PolicyViolationRow {
  id: number;
  agent: string;
  seq: number;
  policy: string;
  rule: string;
  kind: string;
  severity: string;
  reason: string;
  time: string | null;
}

// A row whose text is not JSON reads as a null time instead of failing the
// whole query; the caller parses each row and counts what it cannot read.
const EVENT_TIME = (alias: string) =>
  `CASE WHEN json_valid(${alias}.canonical)
     THEN json_extract(${alias}.canonical, '$.time') END`;

const LIMIT_SQL = {
  addHit: `INSERT INTO limit_hits (policy, limit_name, key, time_ms, n)
    VALUES (?, ?, ?, ?, 1)
    ON CONFLICT DO UPDATE SET n = n + 1`,
  countHits: `SELECT coalesce(sum(n), 0) AS n FROM limit_hits
    WHERE policy = ? AND limit_name = ? AND key = ?
      AND time_ms > ? AND time_ms <= ?`,
  forgetHits: `DELETE FROM limit_hits
    WHERE policy = ? AND limit_name = ? AND key = ? AND time_ms <= ?`,
  flagIn: `SELECT time_ms FROM limit_flags
    WHERE policy = ? AND limit_name = ? AND key = ?
      AND time_ms > ? AND time_ms < ?
    ORDER BY time_ms LIMIT 1`,
  addFlag: `INSERT OR IGNORE INTO limit_flags (policy, limit_name, key, time_ms)
    VALUES (?, ?, ?, ?)`,
  forgetFlags: `DELETE FROM limit_flags
    WHERE policy = ? AND limit_name = ? AND key = ? AND time_ms <= ?`,
  newestHit: `SELECT time_ms FROM limit_hits
    WHERE policy = ? AND limit_name = ? AND key = ?
    ORDER BY time_ms DESC LIMIT 1`,
  pruneHits: 'DELETE FROM limit_hits WHERE time_ms <= ?',
  pruneFlags: 'DELETE FROM limit_flags WHERE time_ms <= ?',
  eventsSince: `SELECT agent, seq, hash, canonical, time FROM (
      SELECT e.*, ${EVENT_TIME('e')} AS time FROM events e)
    WHERE coalesce(julianday(time) >= julianday(?), 1)
    ORDER BY julianday(time), agent, seq`,
  policyViolationsSince: `SELECT v.id, v.agent, v.seq, v.policy, v.rule,
      v.kind, v.severity, v.reason, ${EVENT_TIME('e')} AS time
    FROM violations v JOIN events e ON e.agent = v.agent AND e.seq = v.seq
    WHERE v.kind IN ('deny', 'default-deny', 'limit')
      AND coalesce(julianday(${EVENT_TIME('e')}) >= julianday(?), 1)
    ORDER BY v.id`,
} as const;

// Appended: read a slot back into the counter's memory (issue 5).
const LIMIT_LOAD_SQL = {
  hitsSince: `SELECT time_ms, n FROM limit_hits
    WHERE policy = ? AND limit_name = ? AND key = ? AND time_ms > ?
    ORDER BY time_ms`,
  flagsSince: `SELECT time_ms FROM limit_flags
    WHERE policy = ? AND limit_name = ? AND key = ? AND time_ms > ?
    ORDER BY time_ms`,
} as const;
