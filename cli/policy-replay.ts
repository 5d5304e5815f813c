import { type Command, InvalidArgumentError } from 'commander';
import ms from 'ms';
import { openStore } from '../collector/data-dir.js';
import {
  isCalendarDate,
  parseInstant,
} from '../collector/policy/local-time.js';
import { PolicySet } from '../collector/policy/policy-set.js';
import {
  type ReplayedViolation,
  type ReplayReport,
  replayPolicies,
} from '../collector/policy/replay.js';

/** How far back `vigil policy replay` looks without --since. */
const REPLAY_SINCE_DEFAULT = '7d';

interface ReplayOptions {
  data: string;
  policies: string;
  since: number;
  json?: boolean;
}

/** `vigil policy replay`: what other policies would have flagged. */
export function registerReplay(policy: Command): void {
  policy
    .command('replay')
    .description(
      'judge stored events with other policies and show what would change',
    )
    .requiredOption('--data <dir>', 'the collector data directory')
    .requiredOption('--policies <path>', 'a policy file or directory')
    .option(
      '--since <when>',
      'a duration back from now (7d, 12h, 30m) or an RFC 3339 time or date',
      parseSince,
      parseSince(REPLAY_SINCE_DEFAULT),
    )
    .option('--json', 'print the report as JSON')
    .action((opts: ReplayOptions) => {
      const set = PolicySet.load(opts.policies);
      const store = openStore(opts.data, true);
      try {
        const report = replayPolicies(store, set, opts.since);
        console.log(
          opts.json
            ? JSON.stringify(report, null, 2)
            : formatReplay(report, set.policies.length),
        );
      } finally {
        store.close();
      }
    });
}

/** "7d" back from now, or an RFC 3339 time, or a date (UTC midnight), in ms. */
export function parseSince(value: string, now = Date.now()): number {
  if (/^[1-9][0-9]*(s|m|h|d|w)$/.test(value)) {
    return now - ms(value as ms.StringValue);
  }
  const at = isCalendarDate(value)
    ? Date.parse(`${value}T00:00:00Z`)
    : parseInstant(value);
  if (Number.isNaN(at)) {
    throw new InvalidArgumentError(
      'must be a duration like 7d, 12h or 30m, or an RFC 3339 time or date',
    );
  }
  return at;
}

/** The report as a person reads it: counts, then each change. */
export function formatReplay(report: ReplayReport, policies: number): string {
  const unreadable =
    report.unreadable > 0 ? ` (${report.unreadable} unreadable, skipped)` : '';
  const kept = report.raised - report.added.length;
  const lines = [
    `replayed ${report.events} events since ${report.since}${unreadable} ` +
      `against ${policies} ${policies === 1 ? 'policy' : 'policies'}`,
    `these policies raise ${report.raised} violations; ${kept} of them are ` +
      `stored, of ${report.stored} stored`,
  ];
  if (report.added.length === 0 && report.removed.length === 0) {
    lines.push('no difference: they raise exactly the stored violations');
    return lines.join('\n');
  }
  lines.push('', `new: ${report.added.length}`);
  lines.push(...report.added.map((v) => `  + ${violationLine(v)}`));
  lines.push('', `no longer raised: ${report.removed.length}`);
  lines.push(...report.removed.map((v) => `  - ${violationLine(v)}`));
  return lines.join('\n');
}

/** "ws-07#42 2026-03-04T03:15:07Z records/bulk-read high: reason". */
function violationLine(v: ReplayedViolation): string {
  return `${v.agent}#${v.seq} ${v.time} ${v.policy}/${v.rule} ${v.severity}: ${v.reason}`;
}
