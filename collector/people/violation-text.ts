import type {
  HistoryEntry,
  ViolationDetail,
  ViolationSummary,
} from './violation-view.js';

/**
 * How each line shows what a vendor's machine chose; the CLI passes
 * cli/printable.ts, so that no control character reaches a terminal.
 */
export type ShowText = (text: string) => string;

/**
 * One violation, when, severity, who, what, and on a second line why; each
 * line passed through `show`, so a line break in a login or a reason
 * cannot forge a line of its own.
 */
export function formatViolation(v: ViolationSummary, show: ShowText): string {
  return violationLines(v).map(show).join('\n');
}

/** A violation in full: the lines above, its status, event(s) and history. */
export function formatDetail(detail: ViolationDetail, show: ShowText): string {
  const v = detail.violation;
  const lines = [
    ...violationLines(v),
    `    status ${v.status}; agent ${v.agent}` +
      (v.vendor ? ` (vendor ${v.vendor})` : '') +
      `; flagged ${v.createdAt}`,
  ];
  if (v.policyHash) lines.push(`    policy sha256 ${v.policyHash}`);
  if (v.compliance.length > 0) {
    lines.push(`    compliance ${v.compliance.join(', ')}`);
  }
  for (const event of detail.events) {
    lines.push(`    event ${event.seq}: ${JSON.stringify(event)}`);
  }
  lines.push(
    detail.history.length > 0 ? '    history:' : '    history: none yet',
  );
  for (const entry of detail.history) {
    lines.push(`      ${formatHistory(entry)}`);
  }
  return lines.map(show).join('\n');
}

/**
 * One triage step, as typed: a note keeps its line breaks (a CSV cell holds
 * them; formatDetail passes the step through its `show`).
 */
export function formatHistory(h: HistoryEntry): string {
  const note = h.note ? `: ${h.note}` : '';
  return `${h.at} ${h.actor} (${h.role}) ${h.action} ${h.from} -> ${h.to}${note}`;
}

function violationLines(v: ViolationSummary): [string, string] {
  const rule = `${v.severity.toUpperCase()} ${v.policy}/${v.rule}`;
  if (!v.event) {
    return [`#${v.id} ${v.createdAt} ${rule}: agent ${v.agent}`, reason(v)];
  }
  const e = v.event;
  const who = e.user
    ? e.user.login === 'unset'
      ? e.user.name
      : e.user.login
    : 'unknown user';
  const proc = e.process ? ` via ${e.process.name}` : '';
  return [
    `#${v.id} ${e.time} ${rule}: ${who}${proc} ${e.action} ${e.path ?? ''} ` +
      `(${e.outcome})`,
    reason(v),
  ];
}

function reason(v: ViolationSummary): string {
  return `    ${v.reason}`;
}
