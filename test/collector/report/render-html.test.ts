import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openStore } from '../../../collector/data-dir.js';
import { buildReport } from '../../../collector/report/build-report.js';
import { renderHtml } from '../../../collector/report/render-html.js';
import type { Report } from '../../../collector/report/report-model.js';
import { resolveReportOptions } from '../../../collector/report/report-options.js';
import { writeReportFile } from '../../../collector/report/write-report.js';
import {
  buildReportFixture,
  HOSTILE_FILES,
  HOSTILE_NOTE,
  type ReportFixture,
} from './report-fixture.js';

/** Debian's chromium; CI sets VIGIL_REQUIRE_BROWSER so it is never skipped. */
const CHROMIUM = '/usr/bin/chromium';
const REQUIRED = Boolean(process.env.VIGIL_REQUIRE_BROWSER);
const SKIP = !existsSync(CHROMIUM) && !REQUIRED;
const RESULTS = join(import.meta.dirname, '..', '..', '..', 'test-results');

if (SKIP) {
  console.warn(
    `render-html browser tests skipped: ${CHROMIUM} is missing ` +
      '(apt-get install chromium; set VIGIL_REQUIRE_BROWSER=1 to fail instead)',
  );
}

/** A page as opened from disk, with everything it logged and asked for. */
interface Opened {
  page: Page;
  url: string;
  errors: string[];
  requests: string[];
}

describe.skipIf(SKIP)('the HTML report in headless Chromium', () => {
  let fx: ReportFixture;
  let browser: BrowserContext;
  let profile: string;
  const reports: Partial<Record<'en' | 'zh-CN', Report>> = {};
  const files: Partial<Record<'en' | 'zh-CN', string>> = {};

  beforeAll(async () => {
    fx = await buildReportFixture();
    for (const lang of ['en', 'zh-CN'] as const) {
      const store = openStore(fx.dataDir, true);
      try {
        const options = resolveReportOptions(
          { since: '8d', tz: 'Asia/Shanghai', lang },
          {},
        );
        reports[lang] = buildReport(store, options);
      } finally {
        store.close();
      }
      files[lang] = join(fx.root, `report-${lang}.html`);
      writeReportFile(files[lang], renderHtml(reports[lang]));
    }
    profile = mkdtempSync(join(tmpdir(), 'vigil-chromium-'));
    browser = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM,
      headless: true,
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
      viewport: { width: 1280, height: 900 },
    });
    mkdirSync(RESULTS, { recursive: true });
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    if (profile) rmSync(profile, { recursive: true, force: true });
    fx?.close();
  });

  async function open(lang: 'en' | 'zh-CN'): Promise<Opened> {
    const page = await browser.newPage();
    const opened: Opened = {
      page,
      url: pathToFileURL(files[lang]!).href,
      errors: [],
      requests: [],
    };
    page.on('console', (message) => {
      if (message.type() === 'error') opened.errors.push(message.text());
    });
    page.on('pageerror', (error) => opened.errors.push(error.message));
    page.on('request', (request) => opened.requests.push(request.url()));
    await page.goto(opened.url, { waitUntil: 'load' });
    return opened;
  }

  describe('when opened from a file', () => {
    let en: Opened;
    beforeAll(async () => {
      en = await open('en');
    });

    it('loads with no console error and no request but the file itself', async () => {
      // Let late loads (icons, fonts) show up if the page caused any.
      await en.page.waitForTimeout(300);
      expect(en.errors).toEqual([]);
      expect(en.requests).toEqual([en.url]);
      expect(await en.page.locator('script').count()).toBe(0);
    });

    it('draws one bar group per trend bucket, its segments adding up', async () => {
      const trend = reports.en!.trend;
      const bars = await en.page.$$eval('#trend svg g.bucket', (groups) =>
        groups.map((g) => ({
          total: Number(g.getAttribute('data-total')),
          counts: [...g.querySelectorAll('rect.seg')].map((r) =>
            Number(r.getAttribute('data-count')),
          ),
        })),
      );
      expect(bars).toHaveLength(trend.buckets.length);
      expect(bars.map((b) => b.total)).toEqual(
        trend.buckets.map((b) => b.total),
      );
      for (const bar of bars) {
        expect(bar.counts.reduce((n, c) => n + c, 0)).toBe(bar.total);
      }
      const segments = trend.buckets.flatMap((b) =>
        Object.values(b.severity).filter((n) => n > 0),
      );
      expect(await en.page.locator('rect.seg').count()).toBe(segments.length);
      expect(bars.filter((b) => b.total > 0).length).toBeGreaterThan(3);
    });

    it('shows hostile names as text: no element of theirs exists', async () => {
      const page = en.page;
      expect(await page.locator('img').count()).toBe(0);
      expect(await page.locator('#injected').count()).toBe(0);
      expect(await page.locator('table.violations b').count()).toBe(0);
      const text = await page.locator('table.violations').innerText();
      expect(text).toContain('</script><img src=x onerror=alert(1)>');
      expect(text).toContain('<b id="injected">bold</b>&amp;');
      expect(text).toContain('=HYPERLINK("http://x")');
      expect(text).toContain('客户名单.csv');
      expect(text).toContain('new\\nline');
      // The override is shown, not obeyed.
      expect(text).toContain('invoice[U+202E]fdp.exe');
      expect(text).not.toContain('\u202e');
      expect(HOSTILE_FILES).toContain('invoice\u202Efdp.exe');
    });

    it('lists every violation with its reason and triage, and every agent', async () => {
      const page = en.page;
      const rows = page.locator('table.violations tbody tr');
      expect(await rows.count()).toBe(reports.en!.totals.total);
      const resolved = rows.filter({ hasText: 'second line' });
      expect(await resolved.count()).toBe(1);
      const row = await resolved.innerText();
      expect(row).toContain('deny rule');
      expect(row).toContain('analyst (analyst) resolved');
      expect(row).toContain(HOSTILE_NOTE.replace('\n', '\\n'));
      expect(row).toMatch(/\d{4}-\d\d-\d\d \d\d:\d\d:\d\d \+08:00/);
      expect(await page.locator('table.agents tbody tr').count()).toBe(3);
      expect(await page.locator('table.agents .state-silent').count()).toBe(
        reports.en!.agents.filter((a) => a.state === 'silent').length,
      );
    });

    it('keeps every section visible in print, and prints to PDF', async () => {
      const page = en.page;
      await page.emulateMedia({ media: 'print' });
      const hidden = await page.$$eval('section, table, svg', (elements) =>
        elements
          .filter((e) => {
            const box = e.getBoundingClientRect();
            const style = e.ownerDocument.defaultView?.getComputedStyle(e);
            return (
              box.height === 0 ||
              style?.display === 'none' ||
              style?.visibility === 'hidden'
            );
          })
          .map((e) => e.id || e.tagName),
      );
      expect(hidden).toEqual([]);
      const pdf = await page.pdf({ path: join(RESULTS, 'report.pdf') });
      expect(pdf.subarray(0, 5).toString()).toBe('%PDF-');
      expect(pdf.length).toBeGreaterThan(20_000);
      // What a printed page holds: A4 landscape less the margins, ~1030 px.
      await page.setViewportSize({ width: 1030, height: 900 });
      await page.screenshot({
        path: join(RESULTS, 'report-print.png'),
        fullPage: true,
      });
      await page.setViewportSize({ width: 1280, height: 900 });
      await page.emulateMedia({ media: 'screen' });
    });

    it('takes a screenshot for people to look at', async () => {
      const file = join(RESULTS, 'report.png');
      await en.page.screenshot({ path: file, fullPage: true });
      expect(readFileSync(file).subarray(1, 4).toString()).toBe('PNG');
    });
  });

  describe('when the report is in zh-CN', () => {
    it('has Chinese headings and labels, and the same counts', async () => {
      const zh = await open('zh-CN');
      expect(zh.errors).toEqual([]);
      expect(zh.requests).toEqual([zh.url]);
      expect(await zh.page.locator('html').getAttribute('lang')).toBe('zh-CN');
      const headings = await zh.page.locator('h1, h2').allInnerTexts();
      expect(headings).toEqual([
        'Vigil 违规报告',
        '概要',
        '违规趋势',
        '按严重程度、供应商和策略统计的违规',
        '违规最多的用户和路径',
        '代理健康状况',
        '违规明细',
      ]);
      expect(await zh.page.locator('table.violations tbody tr').count()).toBe(
        reports['zh-CN']!.totals.total,
      );
      expect(await zh.page.locator('.sev-critical').first().innerText()).toBe(
        '严重',
      );
      await zh.page.screenshot({
        path: join(RESULTS, 'report-zh-CN.png'),
        fullPage: true,
      });
    });
  });
});
