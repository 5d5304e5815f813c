import { SEVERITY_ORDER, TOP_MAX } from './aggregate.js';
import { needsAttention } from './agent-health.js';
import { trendSvg } from './chart-svg.js';
import { agentsTable } from './html-agents.js';
import { REPORT_CSS, REPORT_CSS_HASH } from './html-style.js';
import { groupTable, severityBadge, severityTable } from './html-table.js';
import { esc } from './html-text.js';
import { violationsTable } from './html-violations.js';
import { translator, type Translator } from './messages.js';
import type { Report } from './report-model.js';
import { offsetMinutes, offsetText, readerTime } from './report-time.js';

// Nothing may load: no script, no font, no image, no other style sheet.
// frame-ancestors and sandbox are left out: a <meta> policy cannot set them.
const CSP =
  `default-src 'none'; style-src '${REPORT_CSS_HASH}'; img-src data:; ` +
  "base-uri 'none'; form-action 'none'";

/**
 * The report as one self-contained HTML page: inline style, the chart as
 * inline SVG, no script, and a Content-Security-Policy that forbids every
 * request, so opening it fetches nothing. Every word comes from the
 * catalogue of the report's language.
 */
export function renderHtml(report: Report): string {
  const t = translator(report.lang);
  const sections = [
    header(report, t),
    summary(report, t),
    trend(report, t),
    groups(report, t),
    top(report, t),
    section('agents', t('agents.heading'), [
      `<p class="note">${esc(t('agents.note'))}</p>`,
      agentsTable(report.agents, t, report.timezone),
    ]),
    section('violations', t('violations.heading'), [
      `<p class="note">${esc(t('report.reasons'))} ${esc(t('report.controls'))}</p>`,
      violationsTable(report.violations, t, report.timezone),
    ]),
    `<footer><p>${esc(t('footer.made'))}</p></footer>`,
  ];
  return [
    '<!doctype html>',
    `<html lang="${esc(report.lang)}">`,
    '<head>',
    '<meta charset="utf-8">',
    `<meta http-equiv="Content-Security-Policy" content="${esc(CSP)}">`,
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    '<meta name="referrer" content="no-referrer">',
    '<link rel="icon" href="data:,">',
    `<title>${esc(t('report.title'))} · ${esc(period(report))}</title>`,
    `<style>${REPORT_CSS}</style>`,
    '</head>',
    '<body>',
    ...sections,
    '</body>',
    '</html>',
    '',
  ].join('\n');
}

function header(report: Report, t: Translator): string {
  const offset = offsetText(
    offsetMinutes(Date.parse(report.generatedAt), report.timezone),
  );
  return [
    '<header>',
    `<h1>${esc(t('report.title'))}</h1>`,
    `<p class="meta"><b>${esc(t('report.period'))}:</b> ${esc(period(report))}</p>`,
    `<p class="meta"><b>${esc(t('report.generated'))}:</b> ` +
      `${esc(readerTime(report.generatedAt, report.timezone))}</p>`,
    `<p class="meta"><b>${esc(t('report.timezone'))}:</b> ` +
      `${esc(report.timezone)} (UTC${esc(offset)})</p>`,
    `<p class="note">${esc(t('report.times', { zone: report.timezone }))}</p>`,
    '</header>',
  ].join('\n');
}

function summary(report: Report, t: Translator): string {
  const { totals } = report;
  const card = (label: string, n: number | string, badge = '') =>
    `<div class="card">${badge || esc(label)}<span class="n">${n}</span></div>`;
  const attention = report.agents.filter(needsAttention).length;
  const cards = [
    card(t('summary.violations'), totals.total),
    card(t('status.open'), totals.status.open),
    card(t('status.acknowledged'), totals.status.acknowledged),
    card(t('status.resolved'), totals.status.resolved),
    ...SEVERITY_ORDER.map((s) =>
      card('', totals.severity[s], severityBadge(s, t)),
    ),
    card(t('summary.agents'), report.agents.length),
    card(t('summary.attention'), attention),
  ];
  return section('summary', t('summary.heading'), [
    `<div class="cards">${cards.join('\n')}</div>`,
  ]);
}

function trend(report: Report, t: Translator): string {
  const legend = SEVERITY_ORDER.map(
    (s) =>
      `<li><span class="swatch sev-${s}"></span>${esc(t(`severity.${s}`))}</li>`,
  );
  const empty =
    report.totals.total === 0
      ? `<p class="muted">${esc(t('trend.empty'))}</p>`
      : '';
  return section('trend', t('trend.heading'), [
    `<p class="note">${esc(t('trend.caption', { unit: t(`trend.unit.${report.trend.unit}`) }))}</p>`,
    empty,
    `<div class="chart">${trendSvg(report.trend, t)}</div>`,
    `<ul class="legend">${legend.join('')}</ul>`,
  ]);
}

function groups(report: Report, t: Translator): string {
  return section('groups', t('groups.heading'), [
    '<div class="grid">',
    `<div><h3>${esc(t('groups.severity'))}</h3>`,
    severityTable(report.groups.severity, t),
    '</div>',
    `<div><h3>${esc(t('groups.vendor'))}</h3>`,
    groupTable(report.groups.vendor, t('col.vendor'), t),
    '</div>',
    `<div class="wide"><h3>${esc(t('groups.policy'))}</h3>`,
    groupTable(report.groups.policy, t('col.policy'), t),
    '</div>',
    '</div>',
  ]);
}

function top(report: Report, t: Translator): string {
  return section('top', t('top.heading'), [
    `<p class="note">${esc(t('top.note', { n: TOP_MAX }))}</p>`,
    '<div class="grid">',
    `<div><h3>${esc(t('top.users'))}</h3>`,
    groupTable(report.top.users, t('col.user'), t),
    '</div>',
    `<div><h3>${esc(t('top.paths'))}</h3>`,
    groupTable(report.top.paths, t('col.path'), t, 'path'),
    '</div>',
    '</div>',
  ]);
}

function section(id: string, heading: string, body: string[]): string {
  return [
    `<section id="${id}">`,
    `<h2>${esc(heading)}</h2>`,
    ...body.filter((part) => part !== ''),
    '</section>',
  ].join('\n');
}

function period(report: Report): string {
  const from = readerTime(report.since, report.timezone);
  const to = readerTime(report.until, report.timezone);
  return `${from} – ${to}`;
}
