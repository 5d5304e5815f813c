import type { AgentState } from '../people/agent-view.js';
import type { AgentRow, WatchRow } from '../store/store.js';
import { WATCHES, type Watch } from '../watchdog/findings.js';
import { WATCHDOG_POLICY } from '../watchdog/watchdog.js';
import type { AgentHealth, ReportViolation } from './report-model.js';

/** Per agent and meta action: how many events, and their counts summed. */
export interface AgentMetaCount {
  agent: string;
  action: string;
  events: number;
  count: number;
}

/** What the store says about the agents, read once for the report. */
export interface AgentFacts {
  agents: AgentRow[];
  /** Watchdog conditions holding now. */
  watches: WatchRow[];
  /** Loss and degradation reports received during the period. */
  meta: AgentMetaCount[];
}

/**
 * Every agent's health: revoked, silent (the watchdog's agent.silent holds)
 * or ok; the conditions holding now; what it reported lost or degraded and
 * the watchdog violations flagged during the period. Agents needing
 * attention come first.
 */
export function agentHealth(
  facts: AgentFacts,
  violations: ReportViolation[],
): AgentHealth[] {
  return facts.agents
    .map((agent) => healthOf(agent, facts, violations))
    .sort((a, b) => attention(b) - attention(a) || (a.id < b.id ? -1 : 1));
}

/** Whether an agent's row in the report calls for a look. */
export function needsAttention(agent: AgentHealth): boolean {
  return attention(agent) > 0;
}

function healthOf(
  agent: AgentRow,
  facts: AgentFacts,
  violations: ReportViolation[],
): AgentHealth {
  const conditions = facts.watches
    .filter((w) => w.agent === agent.id)
    .map(({ watch, since, violation }) => ({ watch, since, violation }));
  const meta = (action: string) =>
    facts.meta.find((m) => m.agent === agent.id && m.action === action);
  return {
    id: agent.id,
    vendor: agent.vendor,
    host: agent.host,
    state: stateOf(agent, conditions),
    enrolledAt: agent.enrolled_at,
    lastSeen: agent.last_seen,
    revokedAt: agent.revoked_at,
    conditions,
    degraded: meta('sensor.degraded')?.events ?? 0,
    dropped: meta('events.dropped')?.count ?? 0,
    auditLost: meta('audit.lost')?.count ?? 0,
    watchdog: watchdogCounts(agent.id, violations),
  };
}

function stateOf(
  agent: AgentRow,
  conditions: AgentHealth['conditions'],
): AgentState {
  if (agent.revoked_at) return 'revoked';
  return conditions.some((c) => c.watch === 'agent.silent') ? 'silent' : 'ok';
}

function watchdogCounts(
  agent: string,
  violations: ReportViolation[],
): AgentHealth['watchdog'] {
  const counts: Partial<Record<Watch, number>> = {};
  for (const v of violations) {
    if (v.agent !== agent || v.policy !== WATCHDOG_POLICY) continue;
    const watch = WATCHES.find((w) => w === v.kind);
    if (watch) counts[watch] = (counts[watch] ?? 0) + 1;
  }
  return counts;
}

// Revoked agents send nothing by design: only conditions and losses count.
function attention(agent: AgentHealth): number {
  return (
    agent.conditions.length * 4 +
    (agent.degraded > 0 ? 2 : 0) +
    (agent.dropped + agent.auditLost > 0 ? 2 : 0)
  );
}
