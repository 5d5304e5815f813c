import type {
  HistoryEntry,
  ViolationDetail,
  ViolationSummary,
} from './violation-view.js';

/** One line per violation: when, severity, who, what, and why. */
export function formatViolation(v: ViolationSummary): string {
  const rule = `${v.severity.toUpperCase()} ${v.policy}/${v.rule}`;
  if (!v.event) {
    return `#${v.id} ${v.createdAt} ${rule}: agent ${v.agent}\n    ${v.reason}`;
  }
  const e = v.event;
  const who = e.user
    ? e.user.login === 'unset'
      ? e.user.name
      : e.user.login
    : 'unknown user';
  const proc = e.process ? ` via ${e.process.name}` : '';
  return (
    `#${v.id} ${e.time} ${rule}: ${who}${proc} ${e.action} ${e.path ?? ''} ` +
    `(${e.outcome})\n    ${v.reason}`
  );
}

/** A violation in full: the line above, its status, event(s) and history. */
export function formatDetail(detail: ViolationDetail): string {
  const v = detail.violation;
  const lines = [
    formatViolation(v),
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
  for (const entry of detail.history)
    lines.push(`      ${formatHistory(entry)}`);
  return lines.join('\n');
}

export function formatHistory(h: HistoryEntry): string {
  const note = h.note ? `: ${h.note}` : '';
  return `${h.at} ${h.actor} (${h.role}) ${h.action} ${h.from} -> ${h.to}${note}`;
}
