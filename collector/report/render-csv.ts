import { formatHistory } from '../people/violation-text.js';
import { userOf } from './aggregate.js';
import type { Report, ReportViolation } from './report-model.js';
import { readerIso } from './report-time.js';

/**
 * The CSV's columns: stable English machine names, whatever `--lang`, so
 * scripts and spreadsheet formulas keep working. One row per violation.
 */
export const CSV_COLUMNS = [
  'id',
  'flagged_at',
  'severity',
  'status',
  'vendor',
  'agent',
  'host',
  'policy',
  'rule',
  'kind',
  'user',
  'action',
  'outcome',
  'path',
  'target',
  'process',
  'event_time',
  'reason',
  'compliance',
  'last_triage_at',
  'last_triage_by',
  'last_triage_note',
  'triage_history',
] as const;

type CsvColumn = (typeof CSV_COLUMNS)[number];

/** Excel and LibreOffice read UTF-8 (Chinese paths) only after a BOM. */
const BOM = '\ufeff';
const CRLF = '\r\n';

// What spreadsheets start a formula with (OWASP, "CSV Injection"), and
// the apostrophe itself, so that removing one leading apostrophe always
// gives the value back.
const FORMULA_START = /^[=+\-@\t\r']/;

/**
 * One cell of RFC 4180 CSV. A value a spreadsheet would read as a formula
 * gets an apostrophe in front; a value holding a comma, quote, CR or LF
 * is quoted, its quotes doubled.
 */
export function csvCell(value: string): string {
  const safe = FORMULA_START.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

/**
 * The violations of a report as CSV (RFC 4180: CRLF line ends, a header
 * row), after a UTF-8 BOM. Times are ISO 8601 in the report's timezone,
 * with the offset. Summaries and agent health are in HTML and JSON only.
 */
export function renderCsv(report: Report): string {
  const lines = [CSV_COLUMNS.join(',')];
  for (const v of report.violations) {
    const values = rowOf(v, report.timezone);
    lines.push(CSV_COLUMNS.map((column) => csvCell(values[column])).join(','));
  }
  return BOM + lines.join(CRLF) + CRLF;
}

function rowOf(
  v: ReportViolation,
  timezone: string,
): Record<CsvColumn, string> {
  const e = v.event;
  const last = v.history.at(-1);
  const local = (iso: string) => readerIso(iso, timezone);
  return {
    id: String(v.id),
    flagged_at: local(v.createdAt),
    severity: v.severity,
    status: v.status,
    vendor: v.vendor ?? '',
    agent: v.agent,
    host: v.host ?? '',
    policy: v.policy,
    rule: v.rule,
    kind: v.kind,
    user: userOf(e) ?? '',
    action: e?.action ?? '',
    outcome: e?.outcome ?? '',
    path: e?.path ?? '',
    target: e?.target ?? '',
    process: e?.process?.exe ?? '',
    event_time: e ? local(e.time) : '',
    reason: v.reason,
    compliance: v.compliance.join(' '),
    last_triage_at: last ? local(last.at) : '',
    last_triage_by: last ? `${last.actor} (${last.role})` : '',
    last_triage_note: last?.note ?? '',
    triage_history: v.history
      .map((h) => formatHistory({ ...h, at: local(h.at) }))
      .join('\n'),
  };
}
