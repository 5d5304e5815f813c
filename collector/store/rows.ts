/** Row shapes of the collector store's tables, as its methods return them. */

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
  /** Index of the batch's leaf in the transparency log (migration 5). */
  leaf: number | null;
}

/** A batch as an export reads it: without its receipt. */
export type ExportBatchRow = Omit<BatchRow, 'receipt' | 'received_at'>;

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
