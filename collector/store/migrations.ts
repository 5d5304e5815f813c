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
];
