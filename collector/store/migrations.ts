/**
 * Numbered migrations of the collector store. Each runs once, in order,
 * inside one transaction; `PRAGMA user_version` records the last applied.
 * Never edit a released migration: add the next one.
 */
export const MIGRATIONS: readonly string[] = [
  // 1: agents, enrollment tokens, chained events, batches and violations.
  `
  CREATE TABLE agents (
    id          TEXT PRIMARY KEY,
    vendor      TEXT NOT NULL,
    host        TEXT NOT NULL,
    cert_serial TEXT NOT NULL,
    cert_pem    TEXT NOT NULL,
    enrolled_at TEXT NOT NULL,
    revoked_at  TEXT,
    last_seq    INTEGER NOT NULL DEFAULT 0,
    head        TEXT NOT NULL,
    last_seen   TEXT
  );
  CREATE TABLE enroll_tokens (
    token_hash  TEXT PRIMARY KEY,
    vendor      TEXT NOT NULL,
    created_at  TEXT NOT NULL,
    expires_at  TEXT NOT NULL,
    used_at     TEXT,
    used_by     TEXT
  );
  -- Events keep their canonical bytes so every hash can be recomputed from
  -- the store alone. Keyed by (agent, seq) with no other index: text indexes
  -- cost most of the insert rate (DESIGN section 10).
  CREATE TABLE events (
    agent     TEXT NOT NULL,
    seq       INTEGER NOT NULL,
    hash      TEXT NOT NULL,
    canonical TEXT NOT NULL,
    PRIMARY KEY (agent, seq)
  ) WITHOUT ROWID;
  CREATE TABLE batches (
    agent        TEXT NOT NULL,
    first_seq    INTEGER NOT NULL,
    last_seq     INTEGER NOT NULL,
    head         TEXT NOT NULL,
    checkpoint   TEXT NOT NULL,
    signature    TEXT NOT NULL,
    receipt      TEXT NOT NULL,
    received_at  TEXT NOT NULL,
    PRIMARY KEY (agent, last_seq)
  ) WITHOUT ROWID;
  CREATE TABLE violations (
    id          INTEGER PRIMARY KEY,
    agent       TEXT NOT NULL,
    seq         INTEGER NOT NULL,
    policy      TEXT NOT NULL,
    rule        TEXT NOT NULL,
    kind        TEXT NOT NULL,
    severity    TEXT NOT NULL,
    reason      TEXT NOT NULL,
    policy_hash TEXT NOT NULL,
    compliance  TEXT NOT NULL,
    status      TEXT NOT NULL DEFAULT 'open',
    created_at  TEXT NOT NULL
  );
  CREATE INDEX violations_by_event ON violations (agent, seq);
  `,
  // 2: chain integrity (docs/ingest.md): gaps waiting to be filled, batches
  // kept aside because they contradict the stored chain, and batches found
  // by their first seq so the contiguous head can move over stored ones.
  `
  CREATE TABLE chain_gaps (
    agent        TEXT NOT NULL,
    first_seq    INTEGER NOT NULL,
    last_seq     INTEGER NOT NULL,
    violation_id INTEGER NOT NULL,
    detected_at  TEXT NOT NULL,
    resolved_at  TEXT,
    resolved_by  TEXT,
    note         TEXT,
    PRIMARY KEY (agent, first_seq)
  ) WITHOUT ROWID;
  CREATE TABLE batches_aside (
    id           INTEGER PRIMARY KEY,
    agent        TEXT NOT NULL,
    first_seq    INTEGER NOT NULL,
    last_seq     INTEGER NOT NULL,
    head         TEXT NOT NULL,
    conflict_seq INTEGER NOT NULL,
    canonical    TEXT NOT NULL,
    violation_id INTEGER NOT NULL,
    received_at  TEXT NOT NULL,
    UNIQUE (agent, first_seq, last_seq, head)
  );
  CREATE INDEX batches_by_first ON batches (agent, first_seq);
  `,
  // 3: people, revocation and watchdogs: API users with a role and only their
  // token's hash, who-did-what on each violation, the collector's own audit
  // log (revocations, refused agents, user changes), and the watchdog
  // conditions that hold now, each with the violation it raised.
  `
  ALTER TABLE agents ADD COLUMN revoked_reason TEXT;
  CREATE TABLE api_users (
    name        TEXT PRIMARY KEY,
    role        TEXT NOT NULL,
    token_hash  TEXT NOT NULL UNIQUE,
    created_at  TEXT NOT NULL,
    created_by  TEXT NOT NULL,
    disabled_at TEXT
  );
  CREATE TABLE violation_history (
    id          INTEGER PRIMARY KEY,
    violation   INTEGER NOT NULL,
    at          TEXT NOT NULL,
    actor       TEXT NOT NULL,
    role        TEXT NOT NULL,
    action      TEXT NOT NULL,
    from_status TEXT NOT NULL,
    to_status   TEXT NOT NULL,
    note        TEXT
  );
  CREATE INDEX violation_history_by_violation
    ON violation_history (violation);
  CREATE TABLE audit_log (
    id     INTEGER PRIMARY KEY,
    at     TEXT NOT NULL,
    actor  TEXT NOT NULL,
    action TEXT NOT NULL,
    target TEXT NOT NULL,
    detail TEXT NOT NULL
  );
  CREATE TABLE watchdog_open (
    agent     TEXT NOT NULL,
    watch     TEXT NOT NULL,
    violation INTEGER NOT NULL,
    since     TEXT NOT NULL,
    PRIMARY KEY (agent, watch)
  ) WITHOUT ROWID;
  -- Open violations by severity, counted on every /metrics scrape.
  CREATE INDEX violations_by_status ON violations (status, severity);
  `,
  // 4 (issue 5): limit counters (docs/policies.md), so counts survive a
  // restart: matching events per policy, limit and key, summed per event
  // millisecond, and the times violations were raised. Rows two windows
  // older than a slot's newest event are forgotten as it counts.
  `
  CREATE TABLE limit_hits (
    policy     TEXT NOT NULL,
    limit_name TEXT NOT NULL,
    key        TEXT NOT NULL,
    time_ms    INTEGER NOT NULL,
    n          INTEGER NOT NULL,
    PRIMARY KEY (policy, limit_name, key, time_ms)
  ) WITHOUT ROWID;
  CREATE TABLE limit_flags (
    policy     TEXT NOT NULL,
    limit_name TEXT NOT NULL,
    key        TEXT NOT NULL,
    time_ms    INTEGER NOT NULL,
    PRIMARY KEY (policy, limit_name, key, time_ms)
  ) WITHOUT ROWID;
  `,
  // 5 (issue 7): the transparency log of accepted batches (docs/auditor.md).
  // Each stored batch gets the index of its leaf, in acceptance order;
  // log_nodes keeps the hash of every perfect subtree (level, index), so
  // roots and proofs for any past size need O(log^2 n) reads; every signed
  // checkpoint is kept by its tree size.
  `
  ALTER TABLE batches ADD COLUMN leaf INTEGER;
  CREATE UNIQUE INDEX batches_by_leaf ON batches (leaf);
  CREATE TABLE log_nodes (
    level INTEGER NOT NULL,
    idx   INTEGER NOT NULL,
    hash  BLOB NOT NULL,
    PRIMARY KEY (level, idx)
  ) WITHOUT ROWID;
  CREATE TABLE log_checkpoints (
    size      INTEGER PRIMARY KEY,
    note      TEXT NOT NULL,
    signed_at TEXT NOT NULL
  );
  `,
];
