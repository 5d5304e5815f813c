import { parseDuration } from '../../protocol/duration.js';
import { CollectorError } from '../errors.js';
import {
  canonicalTimezone,
  dayNumber,
  isCalendarDate,
  parseInstant,
} from '../policy/local-time.js';
import { REPORT_LANGS, type ReportLang } from './messages.js';
import { DAY_MS, fromWall } from './report-time.js';

export const REPORT_FORMATS = ['html', 'csv', 'json'] as const;
export type ReportFormat = (typeof REPORT_FORMATS)[number];

/** The period a report covers when `--since` is not given. */
export const REPORT_SINCE_DEFAULT = '7d';

/** What `vigil report` was asked for, as given on the command line. */
export interface ReportArgs {
  since?: string;
  until?: string;
  format?: string;
  lang?: string;
  tz?: string;
}

/** The options in force, checked: times are ISO 8601 UTC. */
export interface ReportOptions {
  /** Inclusive. */
  since: string;
  /** Exclusive. */
  until: string;
  format: ReportFormat;
  lang: ReportLang;
  timezone: string;
}

// A duration must carry its unit: a bare "7" would be 7 milliseconds.
const DURATION = /^\d+(?:\.\d+)?\s*[a-z]+$/i;

/**
 * Checks and completes the options (command-line input, so each problem is
 * a VIGIL_REPORT_OPTION_INVALID naming the option). A duration in
 * `--until` counts back from `now`, one in `--since` from the end of the
 * period; a bare date is midnight in the report's timezone.
 */
export function resolveReportOptions(
  args: ReportArgs,
  env: NodeJS.ProcessEnv = process.env,
  now = new Date(),
): ReportOptions {
  const format = readFormat(args.format);
  const lang = args.lang === undefined ? langFromEnv(env) : readLang(args.lang);
  const timezone = readTimezone(args.tz, env);
  const untilMs =
    args.until === undefined
      ? now.getTime()
      : readTime(args.until, '--until', now.getTime(), timezone);
  const sinceMs = readTime(
    args.since ?? REPORT_SINCE_DEFAULT,
    '--since',
    untilMs,
    timezone,
  );
  if (!(sinceMs < untilMs)) {
    throw invalid(
      '--since',
      'the period is empty: it must start before --until',
    );
  }
  return {
    since: new Date(sinceMs).toISOString(),
    until: new Date(untilMs).toISOString(),
    format,
    lang,
    timezone,
  };
}

/** zh-CN when LC_ALL, LC_MESSAGES or LANG (the first set) starts with zh. */
export function langFromEnv(env: NodeJS.ProcessEnv): ReportLang {
  const locale = env.LC_ALL || env.LC_MESSAGES || env.LANG || '';
  return locale.toLowerCase().startsWith('zh') ? 'zh-CN' : 'en';
}

/** The system's timezone (TZ, else /etc/localtime), as Intl reads it. */
export function systemTimezone(): string {
  return Intl.DateTimeFormat().resolvedOptions().timeZone;
}

function readFormat(text: string | undefined): ReportFormat {
  const format = (text ?? 'html').toLowerCase();
  const known = REPORT_FORMATS.find((f) => f === format);
  if (!known) {
    throw invalid('--format', `"${clip(text)}" is not one of html, csv, json`);
  }
  return known;
}

function readLang(text: string): ReportLang {
  const known = REPORT_LANGS.find(
    (l) => l.toLowerCase() === text.toLowerCase(),
  );
  if (!known) {
    throw invalid('--lang', `"${clip(text)}" is not one of en, zh-CN`);
  }
  return known;
}

function readTimezone(
  text: string | undefined,
  env: NodeJS.ProcessEnv,
): string {
  const zone = canonicalTimezone(text ?? systemTimezone());
  if (zone !== undefined) return zone;
  const examples = '(examples: UTC, Asia/Shanghai)';
  if (text !== undefined) {
    throw invalid(
      '--tz',
      `"${clip(text)}" is not an IANA timezone ${examples}`,
    );
  }
  // No --tz: the zone came from the TZ variable or from /etc/localtime.
  if (env.TZ !== undefined) {
    throw invalid(
      'TZ',
      `the environment variable holds "${clip(env.TZ)}", which is not an ` +
        `IANA timezone ${examples}; set it to one or give --tz`,
    );
  }
  throw invalid(
    '--tz',
    "the system's timezone (/etc/localtime) is not one Node knows; give --tz",
  );
}

function readTime(
  text: string,
  option: string,
  fromMs: number,
  timezone: string,
): number {
  const value = text.trim();
  if (isCalendarDate(value)) {
    return fromWall(dayNumber(value) * DAY_MS, timezone);
  }
  const instant = parseInstant(value);
  if (Number.isFinite(instant)) return instant;
  if (DURATION.test(value)) {
    const ms = fromMs - parseDuration(value, option);
    // Date's range ends 100,000,000 days either side of 1970.
    if (Number.isFinite(new Date(ms).getTime())) return ms;
    throw invalid(option, `"${clip(text)}" reaches before any date`);
  }
  throw invalid(
    option,
    `"${clip(text)}" is neither a duration (24h, 7d) nor a date or time ` +
      '(2026-12-01, 2026-12-01T08:00:00Z)',
  );
}

function clip(text: string | undefined): string {
  return String(text).slice(0, 40);
}

function invalid(option: string, why: string): CollectorError {
  return new CollectorError('VIGIL_REPORT_OPTION_INVALID', `${option}: ${why}`);
}
