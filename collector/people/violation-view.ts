import type { AccessEvent } from '../../protocol/event.js';
import type { HistoryRow, ViolationRecord } from '../store/store.js';

/** The parts of an event a reviewer reads first. */
export type EventSummary = Pick<
  AccessEvent,
  'seq' | 'time' | 'action' | 'outcome' | 'path' | 'target' | 'user' | 'process'
>;

/**
 * A violation as lists show it. `event` is null for violations that name
 * no stored event (integrity gaps, an agent silent since enrollment).
 */
export interface ViolationSummary {
  id: number;
  policy: string;
  rule: string;
  kind: string;
  severity: string;
  status: string;
  reason: string;
  policyHash: string;
  compliance: string[];
  agent: string;
  createdAt: string;
  event: EventSummary | null;
}

/** One triage step: who moved the violation, when, from what to what. */
export interface HistoryEntry {
  at: string;
  actor: string;
  role: string;
  action: string;
  from: string;
  to: string;
  note: string | null;
}

/** What `GET /v1/violations/:id` answers. */
export interface ViolationDetail {
  violation: ViolationSummary & { vendor: string | null };
  /** The whole events the violation names, as stored. */
  events: AccessEvent[];
  history: HistoryEntry[];
}

export function toSummary(row: ViolationRecord): ViolationSummary {
  const e = row.event ? (JSON.parse(row.event) as AccessEvent) : null;
  return {
    id: row.id,
    policy: row.policy,
    rule: row.rule,
    kind: row.kind,
    severity: row.severity,
    status: row.status,
    reason: row.reason,
    policyHash: row.policy_hash,
    compliance: JSON.parse(row.compliance) as string[],
    agent: row.agent,
    createdAt: row.created_at,
    event: e && summarize(e),
  };
}

export function summarize(e: AccessEvent): EventSummary {
  return {
    seq: e.seq,
    time: e.time,
    action: e.action,
    outcome: e.outcome,
    path: e.path,
    target: e.target,
    user: e.user,
    process: e.process,
  };
}

export function toHistoryEntry(row: HistoryRow): HistoryEntry {
  return {
    at: row.at,
    actor: row.actor,
    role: row.role,
    action: row.action,
    from: row.from_status,
    to: row.to_status,
    note: row.note,
  };
}
