import { describe, expect, it } from 'vitest';
import { parseInstant } from '../../../collector/policy/local-time.js';
import { event, policy } from './helpers.js';

/** One allow rule with the given time clauses; returns each event's reasons. */
function timed(clauses: string): (time: string) => string[] {
  const set = policy(
    `id: p\nseverity: medium\npaths: [/srv/**]\nallow:\n  - name: r\n${clauses}`,
  );
  return (time) => set.evaluate(event({ time })).map((d) => d.reason);
}
const allowed = (reasons: string[]): boolean => reasons.length === 0;

describe('schedule', () => {
  describe('when hours and days are set (Asia/Shanghai, UTC+8)', () => {
    const check = timed(`    schedule:
      days: [mon, tue, wed, thu, fri]
      hours: "09:00-18:00"
      timezone: Asia/Shanghai
`);

    it('allows from the start minute up to, not including, the end', () => {
      expect(allowed(check('2026-03-04T01:00:00Z'))).toBe(true); // Wed 09:00
      expect(allowed(check('2026-03-04T09:59:59.999Z'))).toBe(true); // 17:59
      expect(allowed(check('2026-03-04T00:59:59Z'))).toBe(false); // 08:59
      expect(allowed(check('2026-03-04T10:00:00Z'))).toBe(false); // 18:00
    });

    it('reads the day in the timezone, not in UTC', () => {
      // Friday 20:00 UTC is Saturday 04:00 in Shanghai.
      expect(allowed(check('2026-03-06T02:00:00Z'))).toBe(true);
      expect(allowed(check('2026-03-07T02:00:00+08:00'))).toBe(false);
    });

    it('says what the schedule is and when the event was', () => {
      expect(check('2026-03-07T15:14:00Z')).toEqual([
        'default-deny: no allow rule of policy p permits read by vigil-analyst (groups: vigil-analyst, analysts); rule r allows mon–fri 09:00–18:00 Asia/Shanghai (it was Sat 2026-03-07 23:14)',
      ]);
    });
  });

  describe('when only days or only hours are set', () => {
    it('allows the whole of each listed day', () => {
      const check = timed(
        '    schedule: { days: [sat, sun], timezone: UTC }\n',
      );
      expect(allowed(check('2026-03-07T00:00:00Z'))).toBe(true);
      expect(allowed(check('2026-03-08T23:59:59Z'))).toBe(true);
      expect(allowed(check('2026-03-09T00:00:00Z'))).toBe(false);
    });

    it('allows the hours on every day, up to an end of 24:00', () => {
      const check = timed(
        '    schedule: { hours: "20:00-24:00", timezone: UTC }\n',
      );
      expect(allowed(check('2026-03-07T23:59:00Z'))).toBe(true);
      expect(allowed(check('2026-03-08T00:00:00Z'))).toBe(false);
      expect(check('2026-03-08T01:00:00Z')[0]).toContain(
        'allows every day 20:00–24:00 UTC',
      );
    });
  });

  describe('when the hours run past midnight', () => {
    const check = timed(
      '    schedule: { days: [fri], hours: "22:00-06:00", timezone: UTC }\n',
    );

    it('counts the early hours for the day the window started', () => {
      expect(allowed(check('2026-03-06T22:00:00Z'))).toBe(true); // Fri
      expect(allowed(check('2026-03-07T05:59:00Z'))).toBe(true); // Sat
      expect(allowed(check('2026-03-07T06:00:00Z'))).toBe(false);
      expect(allowed(check('2026-03-06T03:00:00Z'))).toBe(false); // Thu's
    });

    it("says which day's window an early hour belongs to", () => {
      expect(check('2026-03-06T03:00:00Z')[0]).toContain(
        "allows fri 22:00–06:00 UTC (it was Fri 2026-03-06 03:00, which belongs to thu's window)",
      );
    });
  });

  describe('when daylight saving time changes (America/New_York)', () => {
    const check = timed(
      '    schedule: { hours: "09:00-17:00", timezone: America/New_York }\n',
    );

    it('uses the offset in force at each instant', () => {
      // 2026-03-08 clocks go forward: 13:30 UTC is 08:30 before, 09:30 after.
      expect(allowed(check('2026-03-06T13:30:00Z'))).toBe(false);
      expect(allowed(check('2026-03-09T13:30:00Z'))).toBe(true);
      // 2026-11-01 clocks go back: 13:30 UTC is 09:30 before, 08:30 after.
      expect(allowed(check('2026-10-30T13:30:00Z'))).toBe(true);
      expect(allowed(check('2026-11-02T13:30:00Z'))).toBe(false);
    });

    it('reads instants inside the changing hour one by one', () => {
      const night = timed(
        '    schedule: { hours: "01:00-02:00", timezone: America/New_York }\n',
      );
      // 01:30 happens twice on 2026-11-01 (EDT, then EST); 02:30 once.
      expect(allowed(night('2026-11-01T05:30:00Z'))).toBe(true);
      expect(allowed(night('2026-11-01T06:30:00Z'))).toBe(true);
      expect(allowed(night('2026-11-01T07:30:00Z'))).toBe(false);
      expect(night('2026-11-01T07:30:00Z')[0]).toContain(
        '(it was Sun 2026-11-01 02:30)',
      );
    });

    it('handles a change in the middle of a UTC hour (America/St_Johns)', () => {
      const early = timed(
        '    schedule: { hours: "03:00-04:00", timezone: America/St_Johns }\n',
      );
      // 2026-03-08 05:30 UTC: 02:00 NST (-03:30) becomes 03:00 NDT (-02:30).
      expect(allowed(early('2026-03-08T05:15:00Z'))).toBe(false); // 01:45
      expect(allowed(early('2026-03-08T05:45:00Z'))).toBe(true); // 03:15
    });

    it('never allows a local time skipped by the change (Europe/Berlin)', () => {
      const skipped = timed(
        '    schedule: { hours: "02:00-03:00", timezone: Europe/Berlin }\n',
      );
      // 2026-03-29: 00:59 UTC is 01:59 CET, 01:00 UTC is 03:00 CEST.
      expect(allowed(skipped('2026-03-29T00:59:00Z'))).toBe(false);
      expect(allowed(skipped('2026-03-29T01:00:00Z'))).toBe(false);
      expect(allowed(skipped('2026-03-30T00:30:00Z'))).toBe(true);
    });
  });

  describe('when the event time cannot be read', () => {
    it('fails the schedule and says why', () => {
      const check = timed('    schedule: { days: [mon], timezone: UTC }\n');
      expect(check('2026-02-30T10:00:00Z')[0]).toContain(
        '(the event time "2026-02-30T10:00:00Z" is not readable)',
      );
    });
  });
});

describe('valid', () => {
  describe('when bounds are dates and the rule has a schedule', () => {
    const check = timed(`    valid: { from: 2026-01-01, until: 2027-06-30 }
    schedule: { hours: "00:00-23:00", timezone: Asia/Shanghai }
`);

    it("includes both days whole in the schedule's timezone", () => {
      expect(allowed(check('2025-12-31T16:00:00Z'))).toBe(true); // Jan 1
      expect(allowed(check('2025-12-31T15:59:00Z'))).toBe(false);
      expect(allowed(check('2027-06-30T14:59:00Z'))).toBe(true); // 22:59
      expect(allowed(check('2027-06-30T16:00:00Z'))).toBe(false); // Jul 1
    });

    it('says the range and the local time of the event', () => {
      expect(check('2027-07-01T03:15:00Z')[0]).toContain(
        'rule r is valid 2026-01-01 to 2027-06-30 in Asia/Shanghai (it was Thu 2027-07-01 11:15)',
      );
    });
  });

  describe('when bounds are dates and the rule has no schedule', () => {
    it('reads them as UTC days', () => {
      const check = timed('    valid: { until: 2027-06-30 }\n');
      expect(allowed(check('2027-06-30T23:59:59.999Z'))).toBe(true);
      expect(allowed(check('2027-07-01T00:00:00Z'))).toBe(false);
      expect(check('2027-07-01T00:00:00Z')[0]).toContain(
        'is valid until 2027-06-30 in UTC (it was Thu 2027-07-01 00:00)',
      );
    });
  });

  describe('when bounds are instants', () => {
    it('includes both instants exactly', () => {
      const check = timed(
        '    valid: { from: "2026-01-01T09:00:00+08:00", until: "2027-06-30T18:00:00+08:00" }\n',
      );
      expect(allowed(check('2026-01-01T01:00:00Z'))).toBe(true);
      expect(allowed(check('2026-01-01T00:59:59.999Z'))).toBe(false);
      expect(allowed(check('2027-06-30T10:00:00.000999Z'))).toBe(true);
      expect(allowed(check('2027-06-30T10:00:00.001Z'))).toBe(false);
      expect(check('2027-07-01T00:00:00Z')[0]).toContain(
        'is valid 2026-01-01T09:00:00+08:00 to 2027-06-30T18:00:00+08:00 (it was',
      );
    });
  });
});

describe('parseInstant', () => {
  describe('when given RFC 3339 times', () => {
    it('honours offsets and keeps milliseconds of longer fractions', () => {
      expect(parseInstant('2026-03-04T11:15:07.218734109+08:00')).toBe(
        Date.UTC(2026, 2, 4, 3, 15, 7, 218),
      );
      expect(parseInstant('2026-03-04t03:15:07.2z')).toBe(
        Date.UTC(2026, 2, 4, 3, 15, 7, 200),
      );
      expect(parseInstant('2016-12-31T23:59:60Z')).toBe(
        Date.UTC(2016, 11, 31, 23, 59, 59),
      );
    });

    it('keeps years before 100 (Date.UTC would move them to the 1900s)', () => {
      expect(new Date(parseInstant('0099-01-01T00:00:00Z')).toISOString()).toBe(
        '0099-01-01T00:00:00.000Z',
      );
      expect(
        new Date(parseInstant('0001-06-30T12:00:00+02:00')).toISOString(),
      ).toBe('0001-06-30T10:00:00.000Z');
    });
  });

  describe('when given something else', () => {
    it('returns NaN', () => {
      for (const bad of [
        '2026-03-04',
        '2026-03-04T03:15:07',
        '2026-13-04T03:15:07Z',
        '2025-02-29T00:00:00Z',
        '2026-03-04T24:00:00Z',
        'yesterday',
      ]) {
        expect(parseInstant(bad), bad).toBeNaN();
      }
    });
  });
});
