import { WATCHES } from '../watchdog/findings.js';
import { table, timeHtml, type Column } from './html-table.js';
import { esc, shown } from './html-text.js';
import type { Translator } from './messages.js';
import type { AgentHealth } from './report-model.js';
import { readerTime } from './report-time.js';

/**
 * Each agent: state, when last heard from, the watchdog conditions
 * holding now, and its losses and degradation during the period.
 */
export function agentsTable(
  agents: AgentHealth[],
  t: Translator,
  timezone: string,
): string {
  const time = (iso: string) => timeHtml(iso, timezone);
  const count = (n: number) => (n > 0 ? `<b class="alert">${n}</b>` : '0');
  const columns: Column<AgentHealth>[] = [
    {
      head: t('col.agent'),
      cell: (a) => `<span class="key">${shown(a.id)}</span>`,
    },
    { head: t('col.vendor'), cell: (a) => shown(a.vendor) },
    { head: t('col.host'), cell: (a) => shown(a.host) },
    {
      head: t('col.state'),
      cell: (a) =>
        `<span class="state-${a.state}">${esc(t.value('state', a.state))}</span>`,
    },
    {
      head: t('col.lastSeen'),
      cell: (a) =>
        a.lastSeen === null ? esc(t('value.never')) : time(a.lastSeen),
    },
    { head: t('col.conditions'), cell: (a) => conditions(a, t, timezone) },
    { head: t('col.degraded'), num: true, cell: (a) => count(a.degraded) },
    { head: t('col.dropped'), num: true, cell: (a) => count(a.dropped) },
    { head: t('col.auditLost'), num: true, cell: (a) => count(a.auditLost) },
    { head: t('col.watchdog'), cell: (a) => watchdogCounts(a, t) },
  ];
  return table(columns, agents, t('value.none'), 'agents');
}

function conditions(a: AgentHealth, t: Translator, timezone: string): string {
  if (a.conditions.length === 0) {
    return `<span class="muted">${esc(t('value.none'))}</span>`;
  }
  const items = a.conditions.map(
    (c) =>
      `<li class="alert">${esc(
        t('watch.since', {
          watch: t.value('watch', c.watch),
          at: readerTime(c.since, timezone),
        }),
      )}</li>`,
  );
  return `<ul class="plain">${items.join('')}</ul>`;
}

function watchdogCounts(a: AgentHealth, t: Translator): string {
  const items = WATCHES.filter((w) => (a.watchdog[w] ?? 0) > 0).map(
    (w) => `<li>${esc(t.value('watch', w))} × ${a.watchdog[w] ?? 0}</li>`,
  );
  return items.length === 0
    ? `<span class="muted">${esc(t('value.none'))}</span>`
    : `<ul class="plain">${items.join('')}</ul>`;
}
