import type Database from 'better-sqlite3';
import { CollectorError } from '../errors.js';
import { MIGRATIONS } from './migrations.js';
import type { ViolationFilter } from './rows.js';

/* The SQL of the collector store, prepared by CollectorStore (store.ts). */

export function migrate(db: Database.Database): void {
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

/**
 * Events per INSERT statement in `insertEvents`: one call into SQLite for
 * many rows costs about half what a call per row does.
 */
export const EVENTS_PER_INSERT = 50;

// Integrity violations (kind integrity.*) name a seq but no event of theirs.
const VIOLATION_SELECT = `
  SELECT v.*, e.canonical AS event FROM violations v
  LEFT JOIN events e ON e.agent = v.agent AND e.seq = v.seq
    AND v.kind NOT LIKE 'integrity.%'`;

export function prepare(db: Database.Database) {
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
         signature, receipt, received_at, leaf)
       VALUES (@agent, @first_seq, @last_seq, @head, @checkpoint,
         @signature, @receipt, @received_at, @leaf)`,
    ),
    insertEvent: db.prepare(
      'INSERT INTO events (agent, seq, hash, canonical) VALUES (?, ?, ?, ?)',
    ),
    insertEvents: db.prepare(
      'INSERT INTO events (agent, seq, hash, canonical) VALUES ' +
        Array<string>(EVENTS_PER_INSERT).fill('(?, ?, ?, ?)').join(', '),
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

export function prepareChain(db: Database.Database) {
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

export function filterParams(f: ViolationFilter): Record<string, unknown> {
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
export const PEOPLE_SQL = {
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

const EVENT_TIME = (alias: string) =>
  `CASE WHEN json_valid(${alias}.canonical)
     THEN json_extract(${alias}.canonical, '$.time') END`;

export const LIMIT_SQL = {
  addHit: `INSERT INTO limit_hits (policy, limit_name, key, time_ms, n)
    VALUES (?, ?, ?, ?, 1)
    ON CONFLICT DO UPDATE SET n = n + 1`,
  forgetHits: `DELETE FROM limit_hits
    WHERE policy = ? AND limit_name = ? AND key = ? AND time_ms <= ?`,
  addFlag: `INSERT OR IGNORE INTO limit_flags (policy, limit_name, key, time_ms)
    VALUES (?, ?, ?, ?)`,
  forgetFlags: `DELETE FROM limit_flags
    WHERE policy = ? AND limit_name = ? AND key = ? AND time_ms <= ?`,
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
export const LIMIT_LOAD_SQL = {
  hitsSince: `SELECT time_ms, n FROM limit_hits
    WHERE policy = ? AND limit_name = ? AND key = ? AND time_ms > ?
    ORDER BY time_ms`,
  flagsSince: `SELECT time_ms FROM limit_flags
    WHERE policy = ? AND limit_name = ? AND key = ? AND time_ms > ?
    ORDER BY time_ms`,
} as const;

/* Signed export (collector/export, issue 6). */
export const EXPORT_SQL = {
  // Not the receipts: an export reads every batch of an agent.
  batchesOf: `SELECT agent, first_seq, last_seq, head, checkpoint, signature,
    leaf FROM batches WHERE agent = ? ORDER BY first_seq`,
  eventsIn: `SELECT * FROM events
    WHERE agent = ? AND seq BETWEEN ? AND ? ORDER BY seq`,
} as const;

/* Reports (collector/report). */
export const REPORT_SQL = {
  // Loss and degradation reports among the events of the batches received
  // in [since, until): events by primary key, batches scanned (few rows).
  // total() sums as a float, so no count an agent claims can overflow.
  agentMetaIn: `SELECT e.agent AS agent,
      json_extract(e.canonical, '$.action') AS action,
      count(*) AS events,
      total(CASE WHEN json_type(e.canonical, '$.detail.count') = 'integer'
        THEN max(json_extract(e.canonical, '$.detail.count'), 0)
        ELSE 0 END) AS count
    FROM batches b
    JOIN events e ON e.agent = b.agent
      AND e.seq BETWEEN b.first_seq AND b.last_seq
    WHERE b.received_at >= ? AND b.received_at < ?
      AND instr(e.canonical, '"source":"agent"') > 0
      AND json_valid(e.canonical)
      AND json_extract(e.canonical, '$.action')
        IN ('sensor.degraded', 'events.dropped', 'audit.lost')
    GROUP BY e.agent, action
    ORDER BY e.agent, action`,
} as const;
