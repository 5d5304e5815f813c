/** Longest sliding window a limit may count over: one week. */
export const LIMIT_WINDOW_MAX_MS = 7 * 24 * 60 * 60 * 1000;

const UNIT_MS: Record<string, number> = {
  s: 1000,
  m: 60 * 1000,
  h: 60 * 60 * 1000,
  d: 24 * 60 * 60 * 1000,
};

/**
 * Milliseconds of a window like "10m" (the schema admits only a whole
 * number and one of s, m, h, d), NaN for anything else.
 */
export function windowMs(window: string): number {
  const m = /^([1-9][0-9]*)([smhd])$/.exec(window);
  const unit = m?.[2] === undefined ? undefined : UNIT_MS[m[2]];
  return m === null || unit === undefined ? NaN : Number(m[1]) * unit;
}
