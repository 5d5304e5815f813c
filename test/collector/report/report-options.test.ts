import { describe, expect, it } from 'vitest';
import { CollectorError } from '../../../collector/errors.js';
import {
  langFromEnv,
  resolveReportOptions,
  type ReportArgs,
} from '../../../collector/report/report-options.js';
import { ProtocolError } from '../../../protocol/errors.js';

const NOW = new Date('2026-12-05T10:00:00.000Z');

function resolve(args: ReportArgs, env: NodeJS.ProcessEnv = {}) {
  return resolveReportOptions({ tz: 'UTC', ...args }, env, NOW);
}

function refusal(args: ReportArgs): CollectorError {
  try {
    resolve(args);
  } catch (error) {
    expect(error).toBeInstanceOf(CollectorError);
    return error as CollectorError;
  }
  throw new Error('options accepted but should not have been');
}

describe('resolveReportOptions', () => {
  describe('when given nothing but a timezone', () => {
    it('covers the last 7 days as HTML', () => {
      expect(resolve({})).toEqual({
        since: '2026-11-28T10:00:00.000Z',
        until: '2026-12-05T10:00:00.000Z',
        format: 'html',
        lang: 'en',
        timezone: 'UTC',
      });
    });
  });

  describe('when --since and --until are given', () => {
    it('counts a duration in --since back from --until', () => {
      const o = resolve({ since: '24h', until: '2026-12-01T00:00:00Z' });
      expect(o.since).toBe('2026-11-30T00:00:00.000Z');
      expect(o.until).toBe('2026-12-01T00:00:00.000Z');
    });

    it('counts a duration in --until back from now', () => {
      expect(resolve({ since: '2d', until: '1d' })).toMatchObject({
        since: '2026-12-02T10:00:00.000Z',
        until: '2026-12-04T10:00:00.000Z',
      });
    });

    it('reads a bare date as midnight in --tz', () => {
      const o = resolve({ since: '2026-12-01', tz: 'Asia/Shanghai' });
      expect(o.since).toBe('2026-11-30T16:00:00.000Z');
      expect(o.timezone).toBe('Asia/Shanghai');
    });

    it('reads an RFC 3339 time with its offset', () => {
      const o = resolve({ since: '2026-12-01T08:00:00+08:00' });
      expect(o.since).toBe('2026-12-01T00:00:00.000Z');
    });
  });

  describe('when an option is wrong', () => {
    it.each([
      [{ format: 'pdf' }, '--format'],
      [{ lang: 'fr' }, '--lang'],
      [{ tz: 'Mars/Olympus' }, '--tz'],
      [{ since: 'yesterday' }, '--since'],
      [{ since: '7' }, '--since'],
      [{ since: '2026-02-30' }, '--since'],
      [{ until: 'soon' }, '--until'],
      [{ since: '2026-12-05', until: '2026-12-01' }, '--since'],
      [{ since: '0d' }, '--since'],
      [{ since: '999999999999d' }, '--since'],
    ] as [ReportArgs, string][])('refuses %j naming %s', (args, option) => {
      const error = refusal(args);
      expect(error.code).toBe('VIGIL_REPORT_OPTION_INVALID');
      expect(error.message.startsWith(`${option}: `)).toBe(true);
    });

    it('refuses a duration with an unknown unit as a bad duration', () => {
      expect(() => resolve({ since: '7fortnights' })).toThrow(ProtocolError);
      try {
        resolve({ since: '7fortnights' });
      } catch (error) {
        expect((error as ProtocolError).code).toBe('VIGIL_DURATION_INVALID');
        expect((error as ProtocolError).message).toMatch(/^--since: /);
      }
    });
  });

  describe('when --tz is not given and the TZ variable names no zone', () => {
    /** Runs `run` with the process's TZ set as a user's shell would. */
    function withTz<T>(tz: string, run: () => T): T {
      const saved = process.env.TZ;
      process.env.TZ = tz; // Node resets its timezone when TZ is set
      try {
        return run();
      } finally {
        if (saved === undefined) delete process.env.TZ;
        else process.env.TZ = saved;
      }
    }

    it('names the TZ environment variable and its value, not --tz', () => {
      const error = withTz('Bogus/Zone', () => {
        try {
          resolveReportOptions({}, { TZ: 'Bogus/Zone' }, NOW);
        } catch (caught) {
          return caught as CollectorError;
        }
        throw new Error('options accepted but should not have been');
      });
      expect(error).toBeInstanceOf(CollectorError);
      expect(error.code).toBe('VIGIL_REPORT_OPTION_INVALID');
      expect(error.message).toMatch(/^TZ: /);
      expect(error.message).toContain('"Bogus/Zone"');
      expect(error.message).toContain('--tz');
      expect(error.message).not.toContain('undefined');
    });

    it('uses the zone TZ names when it is one', () => {
      const options = withTz('Asia/Shanghai', () =>
        resolveReportOptions({}, { TZ: 'Asia/Shanghai' }, NOW),
      );
      expect(options.timezone).toBe('Asia/Shanghai');
    });
  });

  describe('when choosing the language', () => {
    it('takes --lang in any case', () => {
      expect(resolve({ lang: 'ZH-cn' }).lang).toBe('zh-CN');
    });

    it('follows LC_ALL, then LC_MESSAGES, then LANG', () => {
      expect(langFromEnv({ LANG: 'zh_CN.UTF-8' })).toBe('zh-CN');
      expect(langFromEnv({ LANG: 'zh_TW.UTF-8' })).toBe('zh-CN');
      expect(langFromEnv({ LC_ALL: 'en_US.UTF-8', LANG: 'zh_CN' })).toBe('en');
      expect(langFromEnv({ LC_MESSAGES: 'zh_CN', LANG: 'C' })).toBe('zh-CN');
      expect(langFromEnv({ LANG: 'C.UTF-8' })).toBe('en');
      expect(langFromEnv({})).toBe('en');
      expect(resolve({}, { LC_ALL: 'zh_CN.UTF-8' }).lang).toBe('zh-CN');
    });
  });
});
