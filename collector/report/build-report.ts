import { toHistoryEntry, toSummary } from '../people/violation-view.js';
import type {
  AgentRow,
  CollectorStore,
  ViolationRecord,
} from '../store/store.js';
import { agentHealth } from './agent-health.js';
import {
  bySeverity,
  groupBy,
  pathOf,
  personOf,
  topBy,
  totalOf,
} from './aggregate.js';
import type { ReportOptions } from './report-options.js';
import type { Report, ReportViolation } from './report-model.js';
import { trendOf } from './trend.js';

/**
 * Reads what a report covers from the store (read-only) and counts it:
 * the violations flagged in the period with their triage history, and
 * every agent's health. One read transaction, so all parts agree.
 */
export function buildReport(
  store: CollectorStore,
  options: ReportOptions,
  now = new Date(),
): Report {
  const { since, until, timezone, lang } = options;
  const facts = store.db.transaction(() => {
    const agents = store.listAgents();
    const byId = new Map(agents.map((a) => [a.id, a]));
    return {
      agents,
      watches: store.listWatches(),
      meta: store.agentMetaCountsIn(since, until),
      violations: store
        .queryViolations({ since, until })
        .map((record) => toReportViolation(store, record, byId)),
    };
  })();
  const { violations } = facts;
  return {
    schema: 'vigil.report/1',
    generatedAt: now.toISOString(),
    since,
    until,
    timezone,
    lang,
    totals: totalOf(violations),
    groups: {
      severity: bySeverity(violations),
      vendor: groupBy(violations, (v) => v.vendor),
      policy: groupBy(violations, (v) => v.policy),
    },
    trend: trendOf(violations, { since, until, timezone }),
    top: {
      users: topBy(violations, personOf),
      paths: topBy(violations, pathOf),
    },
    agents: agentHealth(facts, violations),
    violations,
  };
}

function toReportViolation(
  store: CollectorStore,
  record: ViolationRecord,
  agents: Map<string, AgentRow>,
): ReportViolation {
  return {
    ...toSummary(record),
    vendor: record.vendor,
    host: agents.get(record.agent)?.host ?? null,
    history: store.historyOf(record.id).map(toHistoryEntry),
  };
}
