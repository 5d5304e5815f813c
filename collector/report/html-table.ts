import type { Severity } from '../policy/types.js';
import { SEVERITY_ORDER } from './aggregate.js';
import { esc, shown } from './html-text.js';
import type { Translator } from './messages.js';
import type { GroupRow } from './report-model.js';
import { readerTime } from './report-time.js';

/** One column: its heading (text) and each row's cell (HTML). */
export interface Column<T> {
  head: string;
  num?: boolean;
  /** A class for the column's cells, e.g. to give it a minimum width. */
  cls?: string;
  cell(row: T): string;
}

function classOf(column: Pick<Column<unknown>, 'num' | 'cls'>): string {
  const names = [column.num ? 'num' : '', column.cls ?? ''].filter(Boolean);
  return names.length > 0 ? ` class="${names.join(' ')}"` : '';
}

/** A table, or one row saying `empty` when there are no rows. */
export function table<T>(
  columns: Column<T>[],
  rows: T[],
  empty: string,
  className = '',
): string {
  const head = columns
    .map((c) => `<th${classOf(c)}>${esc(c.head)}</th>`)
    .join('');
  const body =
    rows.length === 0
      ? `<tr><td colspan="${columns.length}" class="muted">${esc(empty)}</td></tr>`
      : rows
          .map(
            (row) =>
              '<tr>' +
              columns
                .map((c) => `<td${classOf(c)}>${c.cell(row)}</td>`)
                .join('') +
              '</tr>',
          )
          .join('\n');
  const cls = className ? ` class="${className}"` : '';
  return `<table${cls}><thead><tr>${head}</tr></thead>\n<tbody>\n${body}\n</tbody></table>`;
}

/** A severity as a coloured badge that also names it. */
export function severityBadge(severity: string, t: Translator): string {
  const known = SEVERITY_ORDER.includes(severity as Severity);
  const cls = known ? ` sev-${severity}` : '';
  return `<span class="sev${cls}">${esc(t.value('severity', severity))}</span>`;
}

/**
 * Counted groups (by vendor, policy, user, path): the key, a column per
 * severity, the total and how many are still open.
 */
export function groupTable(
  rows: GroupRow[],
  keyHead: string,
  t: Translator,
  keyClass = 'key',
): string {
  const columns: Column<GroupRow>[] = [
    {
      head: keyHead,
      cell: (r) =>
        r.key === null
          ? `<span class="muted">${esc(t('value.unknown'))}</span>`
          : `<span class="${keyClass}">${shown(r.key)}</span>`,
    },
    ...SEVERITY_ORDER.map((s): Column<GroupRow> => ({
      head: t(`severity.${s}`),
      num: true,
      cell: (r) => String(r.severity[s]),
    })),
    { head: t('status.open'), num: true, cell: (r) => String(r.status.open) },
    { head: t('col.total'), num: true, cell: (r) => `<b>${r.total}</b>` },
  ];
  return table(columns, rows, t('value.none'));
}

/** Per severity: the badge, how many are open, acknowledged, resolved. */
export function severityTable(rows: GroupRow[], t: Translator): string {
  const columns: Column<GroupRow>[] = [
    {
      head: t('col.severity'),
      cell: (r) => severityBadge(r.key ?? '', t),
    },
    ...(['open', 'acknowledged', 'resolved'] as const).map(
      (s): Column<GroupRow> => ({
        head: t(`status.${s}`),
        num: true,
        cell: (r) => String(r.status[s]),
      }),
    ),
    { head: t('col.total'), num: true, cell: (r) => `<b>${r.total}</b>` },
  ];
  return table(columns, rows, t('value.none'));
}

/** A time on the reader's clock that may wrap between date and time. */
export function timeHtml(iso: string, timezone: string): string {
  const [date = '', ...rest] = readerTime(iso, timezone).split(' ');
  const clock = rest.join(' ');
  const parts = clock === '' ? [date] : [date, clock];
  return parts.map((p) => `<span class="time">${esc(p)}</span>`).join(' ');
}
