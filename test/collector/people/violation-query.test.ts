import { describe, expect, it } from 'vitest';
import { CollectorError } from '../../../collector/errors.js';
import {
  PAGE_LIMIT_DEFAULT,
  parsePageQuery,
  parseViolationQuery,
} from '../../../collector/people/violation-query.js';

const NOW = new Date('2026-12-04T10:00:00.000Z');
const parse = (query: unknown, paged = true) =>
  parseViolationQuery(query, { paged, now: NOW });

function refusal(fn: () => unknown): { code: string; message: string } {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(CollectorError);
    return error as CollectorError;
  }
  throw new Error('expected a refusal');
}

describe('parseViolationQuery', () => {
  describe('when filters are given', () => {
    it('reads comma lists, repeated keys, times, ages and paging', () => {
      expect(
        parse({
          status: 'open,acknowledged',
          severity: ['high', 'critical'],
          vendor: ' acme , acme-sub ',
          since: '24h',
          until: '2026-12-04T12:00:00+02:00',
          after: '40',
          limit: '10',
        }),
      ).toEqual({
        status: ['open', 'acknowledged'],
        severity: ['high', 'critical'],
        vendor: ['acme', 'acme-sub'],
        since: '2026-12-03T10:00:00.000Z',
        until: '2026-12-04T10:00:00.000Z',
        after: 40,
        limit: 10,
      });
    });

    it('pages by default only when asked to', () => {
      expect(parse({})).toEqual({ limit: PAGE_LIMIT_DEFAULT });
      expect(parse({}, false)).toEqual({});
      expect(parse(undefined, false)).toEqual({});
    });
  });

  describe('when a filter is wrong', () => {
    it.each([
      [{ colour: 'red' }, 'colour: is not a filter'],
      [{ status: 'closed' }, 'status: "closed" is not one of'],
      [{ severity: { a: 1 } }, 'severity: "[object Object]"'],
      [{ since: 'yesterday' }, 'since: "yesterday" is neither'],
      [{ since: ['1h', '2h'] }, 'since: give it once'],
      [{ limit: '0' }, 'limit: "0" is not a whole number 1-1000'],
      [{ limit: '1e3' }, 'limit: "1e3"'],
      [{ after: '-1' }, 'after: "-1"'],
      [{ agent: 'x'.repeat(200) }, 'agent: a value is longer'],
      [{ policy: Array(40).fill('p') }, 'policy: at most 32 values'],
    ])('refuses %j with VIGIL_QUERY_INVALID', (query, message) => {
      const error = refusal(() => parse(query));
      expect(error.code).toBe('VIGIL_QUERY_INVALID');
      expect(error.message).toContain(message);
    });
  });
});

describe('parsePageQuery', () => {
  it('reads after and limit, and nothing else', () => {
    expect(parsePageQuery({ after: '3' })).toEqual({
      after: 3,
      limit: PAGE_LIMIT_DEFAULT,
    });
    expect(refusal(() => parsePageQuery({ status: 'open' })).code).toBe(
      'VIGIL_QUERY_INVALID',
    );
  });
});
