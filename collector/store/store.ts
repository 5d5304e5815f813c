import Database from 'better-sqlite3';
import type {
  AgentRow,
  BatchRow,
  ExportBatchRow,
  EventRow,
  ViolationRow,
  StoredViolation,
  TokenRow,
  GapRow,
  AsideRow,
  ApiUserRow,
  HistoryRow,
  AuditRow,
  WatchRow,
  ViolationRecord,
  ViolationFilter,
  LimitSlotRow,
  TimedEventRow,
  PolicyViolationRow,
} from './rows.js';
import { ForwardStore } from './forward-store.js';
import { LogStore } from './log-store.js';
import {
  migrate,
  prepare,
  prepareChain,
  filterParams,
  PEOPLE_SQL,
  LIMIT_SQL,
  LIMIT_LOAD_SQL,
  EXPORT_SQL,
  EVENTS_PER_INSERT,
  REPORT_SQL,
} from './statements.js';

export type * from './rows.js';
export type { LeafRow, LogCheckpointRow } from './log-store.js';

/** How long a writer waits for SQLite's lock before giving up. */
const BUSY_TIMEOUT_MS = 5_000;

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

  /** The transparency log's tables; prepared on first use. */
  get log(): LogStore {
    return (this.logCache ??= new LogStore(this.db));
  }

  private logCache: LogStore | undefined;

  /** The store read as a log for SIEM forwarding; prepared on first use. */
  get forward(): ForwardStore {
    return (this.forwardCache ??= new ForwardStore(this.db));
  }

  private forwardCache: ForwardStore | undefined;

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

  /** Inserts events of one agent, each with its canonical text and hash. */
  insertEvents(
    agent: string,
    events: readonly { seq: number; hash: string; text: string }[],
  ): void {
    const args: (string | number)[] = [];
    let i = 0;
    for (; i + EVENTS_PER_INSERT <= events.length; i += EVENTS_PER_INSERT) {
      args.length = 0;
      for (let k = i; k < i + EVENTS_PER_INSERT; k++) {
        const { seq, hash, text } = events[k]!;
        args.push(agent, seq, hash, text);
      }
      this.sql.insertEvents.run(args);
    }
    for (; i < events.length; i++) {
      const { seq, hash, text } = events[i]!;
      this.sql.insertEvent.run(agent, seq, hash, text);
    }
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

  /** Forgets the slot's hits at or before `upToMs`. */
  forgetLimitHits(slot: LimitSlotRow, upToMs: number): void {
    this.st(LIMIT_SQL.forgetHits).run(
      slot.policy,
      slot.limit,
      slot.key,
      upToMs,
    );
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

  /* Signed export (collector/export, issue 6). */

  /** Every stored batch of `agent`, by first seq. */
  batchesOf(agent: string): ExportBatchRow[] {
    return this.st(EXPORT_SQL.batchesOf).all(agent) as ExportBatchRow[];
  }

  /** Stored events of `agent` with seq in [from, to], in seq order. */
  eventsIn(agent: string, from: number, to: number): EventRow[] {
    return this.st(EXPORT_SQL.eventsIn).all(agent, from, to) as EventRow[];
  }

  /* Reports (collector/report). */

  /**
   * Per agent, its sensor.degraded, events.dropped and audit.lost events in
   * batches received in [since, until) (ISO 8601 UTC): how many, and the
   * sum of their integer `detail.count`.
   */
  agentMetaCountsIn(
    since: string,
    until: string,
  ): { agent: string; action: string; events: number; count: number }[] {
    return this.st(REPORT_SQL.agentMetaIn).all(since, until) as {
      agent: string;
      action: string;
      events: number;
      count: number;
    }[];
  }
}

/* People, revocation and watchdogs (issue 4). */

/* Limit counters and policy replay (issue 5). */

// A row whose text is not JSON reads as a null time instead of failing the
// whole query; the caller parses each row and counts what it cannot read.
