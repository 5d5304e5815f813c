import { describe, expect, it } from 'vitest';
import type { ReportViolation } from '../../../collector/report/report-model.js';
import {
  readerIso,
  readerTime,
} from '../../../collector/report/report-time.js';
import { trendOf, trendUnit } from '../../../collector/report/trend.js';

const DAY_MS = 24 * 3600_000;

/** Only the fields the trend reads: when it was flagged, how serious. */
function flagged(createdAt: string, severity = 'high'): ReportViolation {
  return { createdAt, severity } as ReportViolation;
}

describe('trendOf', () => {
  describe('when the period is a week in Asia/Shanghai', () => {
    const period = {
      since: '2026-11-28T10:00:00.000Z',
      until: '2026-12-05T10:00:00.000Z',
      timezone: 'Asia/Shanghai',
    };

    it('has one bucket per local day touched, starting at local midnight', () => {
      const { unit, buckets } = trendOf([], period);
      expect(unit).toBe('day');
      expect(buckets.map((b) => b.label)).toEqual([
        '11-28',
        '11-29',
        '11-30',
        '12-01',
        '12-02',
        '12-03',
        '12-04',
        '12-05',
      ]);
      expect(buckets[0]?.start).toBe('2026-11-27T16:00:00.000Z');
    });

    it('puts a violation in the day of the reader, not of UTC', () => {
      // 17:30 UTC on 11-30 is 01:30 on 12-01 in Shanghai.
      const { buckets } = trendOf(
        [
          flagged('2026-11-30T17:30:00Z', 'critical'),
          flagged('2026-11-30T15:59:59Z', 'low'),
          flagged('2026-12-06T00:00:00Z'),
        ],
        period,
      );
      const byLabel = Object.fromEntries(buckets.map((b) => [b.label, b]));
      expect(byLabel['12-01']?.severity).toMatchObject({ critical: 1 });
      expect(byLabel['11-30']?.severity).toMatchObject({ low: 1 });
      expect(buckets.reduce((n, b) => n + b.total, 0)).toBe(2);
    });
  });

  describe('when the period crosses a DST change', () => {
    it('keeps whole local days in Europe/Berlin (a 23-hour day)', () => {
      const { buckets } = trendOf([flagged('2026-03-29T22:30:00Z')], {
        since: '2026-03-28T23:00:00.000Z',
        until: '2026-03-31T22:00:00.000Z',
        timezone: 'Europe/Berlin',
      });
      expect(buckets.map((b) => [b.label, b.start])).toEqual([
        ['03-29', '2026-03-28T23:00:00.000Z'],
        ['03-30', '2026-03-29T22:00:00.000Z'],
        ['03-31', '2026-03-30T22:00:00.000Z'],
      ]);
      expect(buckets[1]?.total).toBe(1);
    });
  });

  describe('when the period is short or long', () => {
    it('counts per local hour in a half-hour zone', () => {
      const { unit, buckets } = trendOf([], {
        since: '2026-12-05T00:00:00.000Z',
        until: '2026-12-05T03:00:00.000Z',
        timezone: 'Asia/Kolkata',
      });
      expect(unit).toBe('hour');
      expect(buckets.map((b) => b.label)).toEqual([
        '12-05 05:00',
        '12-05 06:00',
        '12-05 07:00',
        '12-05 08:00',
      ]);
      expect(buckets[1]?.start).toBe('2026-12-05T00:30:00.000Z');
    });

    it('counts per week from Monday, then per month', () => {
      expect(trendUnit(2 * DAY_MS)).toBe('hour');
      expect(trendUnit(92 * DAY_MS)).toBe('day');
      expect(trendUnit(93 * DAY_MS)).toBe('week');
      expect(trendUnit(4 * 366 * DAY_MS)).toBe('month');
      const weeks = trendOf([], {
        since: '2026-01-01T00:00:00.000Z',
        until: '2026-06-01T00:00:00.000Z',
        timezone: 'UTC',
      });
      // 2026-01-01 is a Thursday: its week starts Monday 2025-12-29.
      expect(weeks.buckets[0]).toMatchObject({
        label: '12-29',
        start: '2025-12-29T00:00:00.000Z',
      });
      const months = trendOf([flagged('2025-02-10T00:00:00Z')], {
        since: '2024-12-15T00:00:00.000Z',
        until: '2029-01-01T00:00:00.000Z',
        timezone: 'UTC',
      });
      expect(months.buckets[0]?.label).toBe('2024-12');
      expect(months.buckets).toHaveLength(49);
      expect(months.buckets[2]).toMatchObject({ label: '2025-02', total: 1 });
    });
  });
});

describe('reader times', () => {
  it('show the wall clock of the zone with its offset', () => {
    const t = '2026-07-01T12:00:00.250Z';
    expect(readerTime(t, 'Asia/Shanghai')).toBe('2026-07-01 20:00:00 +08:00');
    expect(readerTime(t, 'America/New_York')).toBe(
      '2026-07-01 08:00:00 -04:00',
    );
    expect(readerTime(t, 'Asia/Kolkata')).toBe('2026-07-01 17:30:00 +05:30');
    expect(readerIso(t, 'UTC')).toBe('2026-07-01T12:00:00.250+00:00');
    expect(Date.parse(readerIso(t, 'America/St_Johns'))).toBe(Date.parse(t));
  });
});
