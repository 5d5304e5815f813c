import type { AgentState } from '../people/agent-view.js';
import type { ViolationStatus } from '../people/triage.js';
import type {
  HistoryEntry,
  ViolationSummary,
} from '../people/violation-view.js';
import type { Severity } from '../policy/types.js';
import type { Watch } from '../watchdog/findings.js';
import type { ReportLang } from './messages.js';

/**
 * What a report says, whatever its format: `--format json` prints it as
 * is (times in UTC, as stored); HTML and CSV render it for people.
 */
export interface Report {
  /** The shape of this document; changes only with a new number. */
  schema: 'vigil.report/1';
  generatedAt: string;
  /** The period, on the violations' flagged time: since ≤ t < until. */
  since: string;
  until: string;
  timezone: string;
  lang: ReportLang;
  totals: GroupRow;
  groups: {
    severity: GroupRow[];
    vendor: GroupRow[];
    policy: GroupRow[];
  };
  trend: Trend;
  top: { users: GroupRow[]; paths: GroupRow[] };
  agents: AgentHealth[];
  violations: ReportViolation[];
}

export type SeverityCounts = Record<Severity, number>;
export type StatusCounts = Record<ViolationStatus, number>;

/** Violations sharing one key (a vendor, a policy, a user …), counted. */
export interface GroupRow {
  /** null: the violations have no such value (no vendor, no event). */
  key: string | null;
  total: number;
  severity: SeverityCounts;
  status: StatusCounts;
}

export const TREND_UNITS = ['hour', 'day', 'week', 'month'] as const;
export type TrendUnit = (typeof TREND_UNITS)[number];

/** Violations per stretch of the reader's calendar, oldest first. */
export interface Trend {
  unit: TrendUnit;
  buckets: TrendBucket[];
}

export interface TrendBucket {
  /** When the stretch starts (UTC); the first may start before `since`. */
  start: string;
  /** Short label on the reader's calendar: "12-05", "12-05 14:00" … */
  label: string;
  total: number;
  severity: SeverityCounts;
}

/** One agent's state now and what it reported during the period. */
export interface AgentHealth {
  id: string;
  vendor: string;
  host: string;
  state: AgentState;
  enrolledAt: string;
  lastSeen: string | null;
  revokedAt: string | null;
  /** Watchdog conditions holding now, each with its open violation. */
  conditions: { watch: string; since: string; violation: number }[];
  /** sensor.degraded events in batches received during the period. */
  degraded: number;
  /** Events the agent reported dropped (events.dropped counts). */
  dropped: number;
  /** Audit records the kernel lost (audit.lost counts). */
  auditLost: number;
  /** Watchdog violations flagged during the period, by watch. */
  watchdog: Partial<Record<Watch, number>>;
}

/** A violation with its vendor, host and every triage step. */
export interface ReportViolation extends ViolationSummary {
  vendor: string | null;
  host: string | null;
  history: HistoryEntry[];
}
