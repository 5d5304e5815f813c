import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openStore } from '../../../collector/data-dir.js';
import { buildReport } from '../../../collector/report/build-report.js';
import { renderHtml } from '../../../collector/report/render-html.js';
import { renderJson } from '../../../collector/report/render-json.js';
import type { Report } from '../../../collector/report/report-model.js';
import { resolveReportOptions } from '../../../collector/report/report-options.js';
import type { ViolationRecord } from '../../../collector/store/store.js';
import {
  BACKDATED,
  buildReportFixture,
  HOSTILE_FILES,
  HOSTILE_LOGINS,
  HOSTILE_NOTE,
  storedViolations,
  type ReportFixture,
} from './report-fixture.js';

describe('buildReport', () => {
  let fx: ReportFixture;
  let stored: ViolationRecord[];

  beforeAll(async () => {
    fx = await buildReportFixture();
    stored = storedViolations(fx.dataDir);
  }, 90_000);

  afterAll(() => fx?.close());

  function report(args: Parameters<typeof resolveReportOptions>[0]): Report {
    const store = openStore(fx.dataDir, true);
    try {
      const options = resolveReportOptions(args, {});
      // Through JSON and back: what `--format json` prints is what is read.
      return JSON.parse(renderJson(buildReport(store, options))) as Report;
    } finally {
      store.close();
    }
  }

  describe('when the period holds every violation of the store', () => {
    let r: Report;
    beforeAll(() => {
      r = report({ since: '8d', tz: 'Asia/Shanghai', format: 'json' });
    });

    it('counts exactly the stored violations, by severity and status', () => {
      expect(r.violations.map((v) => v.id)).toEqual(stored.map((v) => v.id));
      expect(r.totals.total).toBe(stored.length);
      for (const severity of ['critical', 'high', 'medium', 'low'] as const) {
        const n = stored.filter((v) => v.severity === severity).length;
        expect(r.totals.severity[severity]).toBe(n);
        const row = r.groups.severity.find((g) => g.key === severity);
        expect(row?.total).toBe(n);
      }
      const statuses = ['open', 'acknowledged', 'resolved'] as const;
      for (const status of statuses) {
        const n = stored.filter((v) => v.status === status).length;
        expect(r.totals.status[status]).toBe(n);
      }
      expect(r.totals.severity.critical).toBe(2);
      expect(r.totals.severity.medium).toBeGreaterThanOrEqual(1);
    });

    it('groups by vendor and policy, the counts adding up to the total', () => {
      const byVendor = Object.fromEntries(
        r.groups.vendor.map((g) => [g.key, g.total]),
      );
      for (const vendor of ['acme', 'globex', 'initech']) {
        expect(byVendor[vendor]).toBe(
          stored.filter((v) => v.vendor === vendor).length,
        );
      }
      const sum = (rows: { total: number }[]) =>
        rows.reduce((n, g) => n + g.total, 0);
      expect(sum(r.groups.vendor)).toBe(r.totals.total);
      expect(sum(r.groups.policy)).toBe(r.totals.total);
      expect(r.groups.policy.map((g) => g.key)).toEqual(
        expect.arrayContaining([
          'customer-records',
          'source-records-no-delete',
          'vigil.watchdog',
        ]),
      );
    });

    it('names the hostile logins and paths as the agent sent them', () => {
      const logins = r.violations.map((v) => v.event?.user?.login);
      const paths = r.violations.map((v) => v.event?.path);
      for (const login of HOSTILE_LOGINS) expect(logins).toContain(login);
      for (const file of HOSTILE_FILES) {
        expect(paths).toContain(`/srv/vigil-demo/customers/${file}`);
      }
      expect(r.top.users).toHaveLength(10);
      // Only policy violations count: a watchdog violation resting on an
      // access (the last event before silence) is not its user's doing.
      const policyKinds = ['deny', 'default-deny', 'limit'];
      for (const { key, total } of r.top.users) {
        const own = r.violations.filter(
          (v) => policyKinds.includes(v.kind) && v.event?.user?.login === key,
        );
        expect(total).toBe(own.length);
      }
      expect(r.top.users[0]).toMatchObject({ key: 'bob' });
      expect(r.top.paths[0]?.key).toMatch(/^\/srv\/vigil-demo\/customers\//);
    });

    it("carries each violation's reason and every triage step", () => {
      const resolved = r.violations.find((v) =>
        v.history.some((h) => h.actor === 'analyst' && h.action === 'resolve'),
      );
      expect(resolved?.reason).toMatch(/^deny rule /);
      expect(resolved?.history).toEqual([
        expect.objectContaining({ actor: 'analyst', action: 'ack' }),
        expect.objectContaining({
          actor: 'analyst',
          action: 'resolve',
          from: 'acknowledged',
          to: 'resolved',
          note: HOSTILE_NOTE,
        }),
      ]);
    });

    it('reports agent health: silent, coverage, losses and degradation', () => {
      const byId = Object.fromEntries(r.agents.map((a) => [a.id, a]));
      const globex = byId[fx.vendors.globex]!;
      expect(globex.state).toBe('silent');
      expect(globex.conditions.map((c) => c.watch)).toContain('agent.silent');
      const acme = byId[fx.vendors.acme]!;
      expect(acme.conditions.map((c) => c.watch)).toEqual(
        expect.arrayContaining([
          'agent.coverage',
          'agent.dropped',
          'agent.clock',
        ]),
      );
      expect(acme).toMatchObject({ degraded: 1, dropped: 7, auditLost: 3 });
      expect(acme.watchdog['agent.coverage']).toBe(1);
      expect(byId[fx.vendors.initech]).toMatchObject({
        host: '@host, "initech"',
        degraded: 0,
        dropped: 0,
      });
      // The agent with the most conditions and losses comes first.
      expect(r.agents[0]?.id).toBe(fx.vendors.acme);
    });

    it('counts the trend per day of the reader, one bucket per day touched', () => {
      expect(r.trend.unit).toBe('day');
      expect(r.trend.buckets).toHaveLength(9);
      const total = r.trend.buckets.reduce((n, b) => n + b.total, 0);
      expect(total).toBe(r.totals.total);
      const nonEmpty = r.trend.buckets.filter((b) => b.total > 0);
      expect(nonEmpty.length).toBeGreaterThanOrEqual(BACKDATED.length + 1);
      for (const bucket of r.trend.buckets) {
        // Midnight in Shanghai is 16:00 UTC.
        expect(bucket.start).toMatch(/T16:00:00\.000Z$/);
      }
    });
  });

  describe('when the period is the last two days', () => {
    it('leaves out older violations and counts per hour', () => {
      const r = report({ since: '2d', tz: 'UTC' });
      const cutoff = Date.now() - 2 * 24 * 3600_000;
      const inside = stored.filter((v) => Date.parse(v.created_at) >= cutoff);
      expect(r.totals.total).toBe(inside.length);
      expect(r.trend.unit).toBe('hour');
      expect(r.trend.buckets.length).toBeGreaterThanOrEqual(48);
      expect(r.trend.buckets.length).toBeLessThanOrEqual(49);
    });
  });

  describe('when the period holds nothing', () => {
    it('gives empty groups and zero counts but still every agent', () => {
      const r = report({ since: '2020-01-01', until: '2020-01-02', tz: 'UTC' });
      expect(r.totals.total).toBe(0);
      expect(r.violations).toEqual([]);
      expect(r.groups.vendor).toEqual([]);
      expect(r.trend.buckets).toHaveLength(24);
      expect(r.agents).toHaveLength(3);
      expect(r.agents.every((a) => a.degraded === 0)).toBe(true);
      const html = renderHtml(r);
      expect(html).toContain('No violations were flagged in this period.');
      expect(html.match(/<g class="bucket"/g)).toHaveLength(24);
      expect(html).not.toContain('class="seg"');
    });
  });
});
