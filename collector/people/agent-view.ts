import type { AgentRecord, AgentRow } from '../store/store.js';

/** ok: heard from recently; silent: see agent.silent; revoked: refused. */
export const AGENT_STATES = ['ok', 'silent', 'revoked'] as const;
export type AgentState = (typeof AGENT_STATES)[number];

/** An agent as `GET /v1/agents` shows it. */
export interface AgentView {
  id: string;
  vendor: string;
  host: string;
  state: AgentState;
  enrolledAt: string;
  lastSeen: string | null;
  lastSeq: number;
  revokedAt: string | null;
  revokedReason: string | null;
}

export function toAgentView(row: AgentRow, state: AgentState): AgentView {
  return {
    id: row.id,
    vendor: row.vendor,
    host: row.host,
    state,
    enrolledAt: row.enrolled_at,
    lastSeen: row.last_seen,
    lastSeq: row.last_seq,
    revokedAt: row.revoked_at,
    revokedReason: (row as Partial<AgentRecord>).revoked_reason ?? null,
  };
}
