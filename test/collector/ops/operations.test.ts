import { request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ViolationPage } from '../../../collector/people/violation-reads.js';
import {
  access,
  startLiveCollector,
  type LiveCollector,
} from '../live-collector.js';

describe('collector operations', () => {
  let fx: LiveCollector;

  beforeAll(async () => {
    fx = await startLiveCollector();
    await fx.sender.send([access('/srv/records/a.csv')]);
    await fx.sender.send([
      access('/srv/records/b.csv'),
      access('/srv/records/c.csv', 'dave', 'delete'),
    ]);
  }, 60_000);

  afterAll(async () => {
    await fx?.close();
  });

  /** The value of one sample line of the exposition, e.g. 'x{a="b"}'. */
  function sample(text: string, series: string): number {
    const line = text.split('\n').find((l) => l.startsWith(`${series} `));
    if (!line) throw new Error(`no sample ${series}`);
    return Number(line.slice(series.length + 1));
  }

  describe('GET /healthz', () => {
    it('answers ok without a token or certificate', async () => {
      const res = await fx.api('GET', '/healthz');
      expect(res.status).toBe(200);
      expect(res.body).toEqual({ status: 'ok' });
    });
  });

  describe('GET /metrics', () => {
    let text: string;

    beforeAll(async () => {
      await fx.api('GET', '/v1/violations', 'vigil_wrong');
      const bad = await fetchBadBatch(fx);
      expect(bad).toBe(400);
      const res = await fx.api<string>('GET', '/metrics');
      expect(res.status).toBe(200);
      expect(res.headers['content-type']).toBe(
        'text/plain; version=0.0.4; charset=utf-8',
      );
      text = res.body;
    });

    it('counts batches, events and flagged violations', () => {
      expect(sample(text, 'vigil_batches_total{result="stored"}')).toBe(2);
      expect(sample(text, 'vigil_events_ingested_total')).toBe(3);
      expect(
        sample(text, 'vigil_violations_flagged_total'),
      ).toBeGreaterThanOrEqual(3);
    });

    it('has an ingest latency histogram', () => {
      expect(text).toContain('# TYPE vigil_ingest_duration_seconds histogram');
      expect(
        sample(text, 'vigil_ingest_duration_seconds_bucket{le="+Inf"}'),
      ).toBe(2);
      expect(sample(text, 'vigil_ingest_duration_seconds_count')).toBe(2);
      expect(sample(text, 'vigil_ingest_duration_seconds_sum')).toBeGreaterThan(
        0,
      );
    });

    it('counts rejected batches and refused requests by code', () => {
      expect(
        sample(text, 'vigil_batches_rejected_total{code="VIGIL_BODY_INVALID"}'),
      ).toBe(1);
      expect(
        sample(text, 'vigil_requests_refused_total{code="VIGIL_AUTH_INVALID"}'),
      ).toBe(1);
    });

    it('gives open violations by severity, as the API counts them', async () => {
      const page = await fx.api<ViolationPage>(
        'GET',
        '/v1/violations?status=open',
        fx.tokens.auditor,
      );
      const bySeverity = (s: string) =>
        page.body.violations.filter((v) => v.severity === s).length;
      for (const severity of ['low', 'medium', 'high', 'critical']) {
        expect(
          sample(text, `vigil_open_violations{severity="${severity}"}`),
        ).toBe(bySeverity(severity));
      }
      expect(sample(text, 'vigil_open_violations{severity="critical"}')).toBe(
        1,
      );
    });

    it('gives agents by state', () => {
      expect(sample(text, 'vigil_agents{state="ok"}')).toBe(1);
      expect(sample(text, 'vigil_agents{state="silent"}')).toBe(0);
      expect(sample(text, 'vigil_agents{state="revoked"}')).toBe(0);
    });
  });
});

async function fetchBadBatch(fx: LiveCollector): Promise<number> {
  const res = await request(`${fx.collector.url}/v1/batches`, {
    method: 'POST',
    dispatcher: fx.sender.mtls,
    headers: { 'content-type': 'application/json' },
    body: '{"broken": ',
  });
  await res.body.dump();
  return res.statusCode;
}
