import ms from 'ms';
import { isRecord } from '../../protocol/is-record.js';
import { CollectorError } from '../errors.js';
import { SEVERITIES } from '../policy/types.js';
import type { ViolationFilter } from '../store/store.js';
import { VIOLATION_STATUSES } from './triage.js';

/** Page size when a request names none, and the largest one served. */
export const PAGE_LIMIT_DEFAULT = 100;
export const PAGE_LIMIT_MAX = 1_000;
const VALUES_MAX = 32;
const VALUE_MAX_CHARS = 128;
const RELATIVE_TIME = /^\d+(?:ms|s|m|h|d|w)$/;

const LISTS = ['status', 'severity', 'policy', 'kind', 'vendor', 'agent'];
const KNOWN = [...LISTS, 'since', 'until', 'after', 'limit'];
const CLOSED: Record<string, readonly string[]> = {
  status: VIOLATION_STATUSES,
  severity: SEVERITIES,
};

/**
 * Reads the filters of `GET /v1/violations` (or the same CLI options).
 * Lists take comma-separated values or repeated keys; since/until take an
 * RFC 3339 time or an age such as "24h". Untrusted: every problem is a
 * VIGIL_QUERY_INVALID naming the parameter.
 */
export function parseViolationQuery(
  query: unknown,
  options: { paged: boolean; now?: Date },
): ViolationFilter {
  const q = isRecord(query) ? query : {};
  const unknown = Object.keys(q).find((key) => !KNOWN.includes(key));
  if (unknown !== undefined) {
    throw invalid(
      unknown.slice(0, 32),
      `is not a filter (${KNOWN.join(', ')})`,
    );
  }
  const filter: ViolationFilter = {};
  for (const key of LISTS) {
    const values = readList(q[key], key);
    if (values) filter[key as 'status'] = values;
  }
  const now = options.now ?? new Date();
  const since = readTime(q.since, 'since', now);
  const until = readTime(q.until, 'until', now);
  if (since) filter.since = since;
  if (until) filter.until = until;
  const after = readInteger(q.after, 'after', 0);
  if (after !== undefined) filter.after = after;
  const limit = readInteger(q.limit, 'limit', 1, PAGE_LIMIT_MAX);
  if (limit !== undefined) filter.limit = limit;
  else if (options.paged) filter.limit = PAGE_LIMIT_DEFAULT;
  return filter;
}

/** `after` and `limit` of a paged list other than violations. */
export function parsePageQuery(query: unknown): {
  after: number;
  limit: number;
} {
  const q = isRecord(query) ? query : {};
  const unknown = Object.keys(q).find((k) => k !== 'after' && k !== 'limit');
  if (unknown !== undefined) {
    throw invalid(unknown.slice(0, 32), 'is not a parameter (after, limit)');
  }
  return {
    after: readInteger(q.after, 'after', 0) ?? 0,
    limit:
      readInteger(q.limit, 'limit', 1, PAGE_LIMIT_MAX) ?? PAGE_LIMIT_DEFAULT,
  };
}

function readList(raw: unknown, key: string): string[] | undefined {
  if (raw === undefined) return undefined;
  const parts = (Array.isArray(raw) ? raw : [raw]).flatMap((value) =>
    String(value).split(','),
  );
  const values = parts.map((v) => v.trim()).filter((v) => v !== '');
  if (values.length > VALUES_MAX) {
    throw invalid(key, `at most ${VALUES_MAX} values`);
  }
  const long = values.find((v) => v.length > VALUE_MAX_CHARS);
  if (long !== undefined) {
    throw invalid(key, `a value is longer than ${VALUE_MAX_CHARS} characters`);
  }
  const closed = CLOSED[key];
  const wrong = closed && values.find((v) => !closed.includes(v));
  if (wrong) {
    throw invalid(key, `"${wrong}" is not one of ${closed.join(', ')}`);
  }
  return values.length > 0 ? values : undefined;
}

function readTime(raw: unknown, key: string, now: Date): string | undefined {
  const text = single(raw, key);
  if (text === undefined) return undefined;
  if (RELATIVE_TIME.test(text)) {
    return new Date(now.getTime() - ms(text as ms.StringValue)).toISOString();
  }
  const time = /^\d{4}-\d{2}-\d{2}/.test(text) ? Date.parse(text) : NaN;
  if (!Number.isFinite(time)) {
    throw invalid(
      key,
      `"${text.slice(0, 40)}" is neither an RFC 3339 time nor an age like 24h`,
    );
  }
  return new Date(time).toISOString();
}

function readInteger(
  raw: unknown,
  key: string,
  min: number,
  max = Number.MAX_SAFE_INTEGER,
): number | undefined {
  const text = single(raw, key);
  if (text === undefined) return undefined;
  const value = /^\d{1,16}$/.test(text) ? Number(text) : NaN;
  if (!(value >= min && value <= max)) {
    throw invalid(
      key,
      `"${text.slice(0, 20)}" is not a whole number ${min}-${max}`,
    );
  }
  return value;
}

function single(raw: unknown, key: string): string | undefined {
  if (raw === undefined || raw === '') return undefined;
  if (typeof raw !== 'string') throw invalid(key, 'give it once');
  return raw.trim();
}

function invalid(key: string, why: string): CollectorError {
  return new CollectorError('VIGIL_QUERY_INVALID', `${key}: ${why}`);
}
