import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openStore } from '../../../collector/data-dir.js';
import { buildReport } from '../../../collector/report/build-report.js';
import { csvCell, renderCsv } from '../../../collector/report/render-csv.js';
import type { Report } from '../../../collector/report/report-model.js';
import { resolveReportOptions } from '../../../collector/report/report-options.js';
import {
  buildReportFixture,
  HOSTILE_FILES,
  HOSTILE_LOGINS,
  HOSTILE_NOTE,
  type ReportFixture,
} from './report-fixture.js';

/**
 * RFC 4180, strictly, written here rather than taken from the code under
 * test: records end in CRLF; a field holding a comma, quote, CR or LF is
 * quoted with its quotes doubled; a bare CR or LF outside quotes, or a
 * quote inside an unquoted field, is an error.
 */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  let wasQuoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') {
      if (field !== '' || wasQuoted) throw new Error(`stray quote at ${i}`);
      quoted = wasQuoted = true;
    } else if (c === ',') {
      row.push(field);
      field = '';
      wasQuoted = false;
    } else if (c === '\r' && text[i + 1] === '\n') {
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
      wasQuoted = false;
      i++;
    } else if (c === '\r' || c === '\n') {
      throw new Error(`bare line break at ${i}`);
    } else {
      if (wasQuoted) throw new Error(`text after a closing quote at ${i}`);
      field += c;
    }
  }
  if (quoted) throw new Error('a quoted field never ends');
  if (field !== '' || row.length > 0) throw new Error('no CRLF at the end');
  return rows;
}

/** The rule docs/reports.md gives readers: drop one leading apostrophe. */
function unescape(cell: string): string {
  return cell.startsWith("'") ? cell.slice(1) : cell;
}

describe('csvCell', () => {
  it.each([
    ['plain', 'plain'],
    ['', ''],
    ['=1+1', "'=1+1"],
    ['+cmd', "'+cmd"],
    ['-1', "'-1"],
    ['@SUM(A1)', "'@SUM(A1)"],
    ['\tx', "'\tx"],
    ['\rx', `"'\rx"`],
    ["'x", "''x"],
    ['a,b', '"a,b"'],
    ['say "hi"', '"say ""hi"""'],
    ['a\nb', '"a\nb"'],
    ['=A1,"x"', `"'=A1,""x"""`],
    ['x=1', 'x=1'],
    ['客户', '客户'],
  ])('writes %j as %j', (value, cell) => {
    expect(csvCell(value)).toBe(cell);
  });
});

describe('renderCsv', () => {
  let fx: ReportFixture;
  let report: Report;
  let text: string;
  let rows: string[][];

  beforeAll(async () => {
    fx = await buildReportFixture();
    const store = openStore(fx.dataDir, true);
    try {
      const options = resolveReportOptions(
        { since: '8d', tz: 'Asia/Shanghai', format: 'csv' },
        {},
      );
      report = buildReport(store, options);
    } finally {
      store.close();
    }
    text = renderCsv(report);
    rows = parseCsv(text.replace(/^\ufeff/, ''));
  }, 90_000);

  afterAll(() => fx?.close());

  function column(name: string): string[] {
    const index = rows[0]!.indexOf(name);
    expect(index).toBeGreaterThanOrEqual(0);
    return rows.slice(1).map((row) => unescape(row[index]!));
  }

  describe('when the violations hold hostile names', () => {
    it('starts with a BOM and a header row of stable machine names', () => {
      expect(text.startsWith('\ufeffid,flagged_at,')).toBe(true);
      expect(rows[0]).toEqual([
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
      ]);
    });

    it('has one RFC 4180 record per violation, each as wide as the header', () => {
      expect(rows).toHaveLength(report.violations.length + 1);
      for (const row of rows) expect(row).toHaveLength(rows[0]!.length);
      expect(column('id')).toEqual(report.violations.map((v) => String(v.id)));
    });

    it('gives every value back exactly, commas, quotes and line breaks included', () => {
      const v = report.violations;
      expect(column('user')).toEqual(
        v.map((x) =>
          x.event?.user
            ? x.event.user.login === 'unset'
              ? x.event.user.name
              : x.event.user.login
            : '',
        ),
      );
      expect(column('path')).toEqual(v.map((x) => x.event?.path ?? ''));
      expect(column('reason')).toEqual(v.map((x) => x.reason));
      expect(column('host')).toEqual(v.map((x) => x.host ?? ''));
      expect(column('last_triage_note')).toEqual(
        v.map((x) => x.history.at(-1)?.note ?? ''),
      );
      for (const login of HOSTILE_LOGINS)
        expect(column('user')).toContain(login);
      for (const file of HOSTILE_FILES) {
        expect(column('path')).toContain(`/srv/vigil-demo/customers/${file}`);
      }
      expect(column('host')).toContain('@host, "initech"');
      expect(column('last_triage_note')).toContain(HOSTILE_NOTE);
    });

    it('lets no cell start a formula: = + - @ TAB CR get an apostrophe', () => {
      const cells = rows.flat();
      expect(cells.filter((cell) => /^[=+\-@\t\r]/.test(cell))).toEqual([]);
      const users = rows.map((row) => row[rows[0]!.indexOf('user')]);
      expect(users).toContain('\'=HYPERLINK("http://x")');
      expect(users).toContain("'-1");
      expect(users).toContain("'@SUM(1+1)");
      expect(users).toContain("''quoted");
      expect(text).toContain(`"'=1+2, ""checked""\nsecond line"`);
    });

    it("shows times in the reader's timezone with the offset", () => {
      for (const time of column('flagged_at')) {
        expect(time).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}\+08:00$/);
      }
      const flagged = column('flagged_at').map((t) => Date.parse(t));
      expect(flagged).toEqual(
        report.violations.map((x) => Date.parse(x.createdAt)),
      );
    });

    it('lists each triage step of a violation on its own line', () => {
      const history = column('triage_history').find((h) =>
        h.includes('analyst (analyst) resolve'),
      );
      const steps = history?.split('\n') ?? [];
      expect(steps[0]).toMatch(
        /^\S+\+08:00 analyst \(analyst\) ack open -> acknowledged$/,
      );
      expect(steps[1]).toMatch(
        /^\S+\+08:00 analyst \(analyst\) resolve acknowledged -> resolved: =1\+2/,
      );
      // The note's own line break follows, inside the same cell.
      expect(steps[2]).toBe('second line');
    });
  });
});
