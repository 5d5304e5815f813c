import type { HistoryEntry } from '../people/violation-view.js';
import { userOf } from './aggregate.js';
import { severityBadge, table, timeHtml, type Column } from './html-table.js';
import { esc, shown } from './html-text.js';
import type { Translator } from './messages.js';
import type { ReportViolation } from './report-model.js';
import { readerTime } from './report-time.js';

/**
 * Every violation of the period, oldest first: when, how serious, where
 * it stands, which rule, the access, the collector's reason and every
 * triage step.
 */
export function violationsTable(
  violations: ReportViolation[],
  t: Translator,
  timezone: string,
): string {
  const time = (iso: string) => timeHtml(iso, timezone);
  const columns: Column<ReportViolation>[] = [
    { head: t('col.id'), num: true, cell: (v) => String(v.id) },
    { head: t('col.flagged'), cell: (v) => time(v.createdAt) },
    { head: t('col.severity'), cell: (v) => severityBadge(v.severity, t) },
    {
      head: t('col.status'),
      cell: (v) =>
        `<span class="status-${esc(v.status)}">` +
        `${esc(t.value('status', v.status))}</span>`,
    },
    { head: t('col.agent'), cls: 'col-agent', cell: (v) => agentCell(v, t) },
    {
      head: t('col.rule'),
      cell: (v) => `${shown(v.policy)} / ${shown(v.rule)}`,
    },
    {
      head: t('col.access'),
      cls: 'col-access',
      cell: (v) => accessCell(v, t, time),
    },
    {
      head: t('col.reason'),
      cls: 'col-reason',
      cell: (v) => `<span class="reason">${shown(v.reason)}</span>`,
    },
    {
      head: t('col.triage'),
      cls: 'col-triage',
      cell: (v) => triageCell(v.history, t, timezone),
    },
  ];
  return table(columns, violations, t('value.none'), 'violations');
}

function agentCell(v: ReportViolation, t: Translator): string {
  const vendor = v.vendor ?? t('value.unknown');
  const host = v.host ? `<br><span class="muted">${shown(v.host)}</span>` : '';
  return `${shown(vendor)}<br><span class="key">${shown(v.agent)}</span>${host}`;
}

function accessCell(
  v: ReportViolation,
  t: Translator,
  time: (iso: string) => string,
): string {
  const e = v.event;
  if (!e) return esc(t('access.none', { agent: v.agent }));
  const person = userOf(e);
  const line = t('access.line', {
    user: person ?? t('value.unattributed'),
    action: t.value('action', e.action),
    outcome: t.value('outcome', e.outcome),
  });
  const lines = [shown(line)];
  if (e.path !== undefined) {
    lines.push(`<span class="path">${shown(e.path)}</span>`);
  }
  if (e.target !== undefined) {
    lines.push(`→ <span class="path">${shown(e.target)}</span>`);
  }
  if (e.process) {
    lines.push(
      `<span class="muted">${shown(t('access.process', { process: e.process.exe }))}</span>`,
    );
  }
  lines.push(`<span class="muted">${time(e.time)}</span>`);
  return lines.join('<br>');
}

function triageCell(
  history: HistoryEntry[],
  t: Translator,
  timezone: string,
): string {
  if (history.length === 0) {
    return `<span class="muted">${esc(t('history.none'))}</span>`;
  }
  const steps = history.map((h) => {
    const step = t('history.step', {
      at: readerTime(h.at, timezone),
      actor: h.actor,
      role: h.role,
      action: t.value('history', h.action),
    });
    const note = h.note ? `: <q>${shown(h.note)}</q>` : '';
    return `<li>${shown(step)}${note}</li>`;
  });
  return `<ul class="plain">${steps.join('')}</ul>`;
}
