import { VIOLATION_STATUSES } from '../people/triage.js';
import type { EventSummary } from '../people/violation-view.js';
import { SEVERITIES, type ViolationDraft } from '../policy/types.js';
import type { GroupRow, ReportViolation } from './report-model.js';

/** How many users and paths the "top" tables list. */
export const TOP_MAX = 10;

/** Severities from the most to the least serious, as reports list them. */
export const SEVERITY_ORDER = [...SEVERITIES].reverse();

type KeyOf = (v: ReportViolation) => string | null;

/** One row counting every violation. */
export function totalOf(violations: ReportViolation[]): GroupRow {
  return groupBy(violations, () => null)[0] ?? emptyRow(null);
}

/**
 * Violations counted per key, the largest group first (ties by key, so
 * the order is stable); `skip` leaves out violations without a key.
 */
export function groupBy(
  violations: ReportViolation[],
  keyOf: KeyOf,
  options: { skip?: boolean } = {},
): GroupRow[] {
  const rows = new Map<string | null, GroupRow>();
  for (const v of violations) {
    const key = keyOf(v);
    if (key === null && options.skip) continue;
    let row = rows.get(key);
    if (!row) rows.set(key, (row = emptyRow(key)));
    count(row, v);
  }
  return [...rows.values()].sort(
    (a, b) => b.total - a.total || compareKeys(a.key, b.key),
  );
}

/** Counts per severity, most serious first, including empty ones. */
export function bySeverity(violations: ReportViolation[]): GroupRow[] {
  const rows = groupBy(violations, (v) => v.severity);
  return SEVERITY_ORDER.map(
    (s) => rows.find((row) => row.key === s) ?? emptyRow(s),
  );
}

/** The `TOP_MAX` largest groups of violations that have a key. */
export function topBy(violations: ReportViolation[], keyOf: KeyOf) {
  return groupBy(violations, keyOf, { skip: true }).slice(0, TOP_MAX);
}

// Watchdog violations rest on an event too (the agent's last before
// silence, the batch that came late): its user and path are not to blame.
const POLICY_KINDS: readonly string[] = [
  'deny',
  'default-deny',
  'limit',
] satisfies ViolationDraft['kind'][];

/** The person behind a policy violation; null for the collector's own. */
export function personOf(v: ReportViolation): string | null {
  return POLICY_KINDS.includes(v.kind) ? userOf(v.event) : null;
}

/** Who made an access: the login, or the real user when no one logged in. */
export function userOf(event: EventSummary | null): string | null {
  const user = event?.user;
  if (!user) return null;
  return user.login === 'unset' ? user.name : user.login;
}

/** The path a policy violation's access touched. */
export function pathOf(v: ReportViolation): string | null {
  return POLICY_KINDS.includes(v.kind) ? (v.event?.path ?? null) : null;
}

export function emptyRow(key: string | null): GroupRow {
  return {
    key,
    total: 0,
    severity: { critical: 0, high: 0, medium: 0, low: 0 },
    status: { open: 0, acknowledged: 0, resolved: 0 },
  };
}

// Values outside the closed lists (never written by this collector) still
// count in the total.
function count(row: GroupRow, v: ReportViolation): void {
  row.total += 1;
  const severity = SEVERITIES.find((s) => s === v.severity);
  if (severity) row.severity[severity] += 1;
  const status = VIOLATION_STATUSES.find((s) => s === v.status);
  if (status) row.status[status] += 1;
}

function compareKeys(a: string | null, b: string | null): number {
  if (a === b) return 0;
  if (a === null) return 1;
  if (b === null) return -1;
  return a < b ? -1 : 1;
}
