import type { Command } from 'commander';
import { resolve } from 'node:path';
import { openStore } from '../collector/data-dir.js';
import { buildReport } from '../collector/report/build-report.js';
import { renderReport } from '../collector/report/render-report.js';
import {
  resolveReportOptions,
  type ReportArgs,
} from '../collector/report/report-options.js';
import type { Report } from '../collector/report/report-model.js';
import {
  checkReportOut,
  writeReportFile,
} from '../collector/report/write-report.js';

interface ReportCliOptions extends ReportArgs {
  data: string;
  out?: string;
}

/** Registers `vigil report` (DESIGN section 8, docs/reports.md). */
export function registerReportCommand(program: Command): void {
  program
    .command('report')
    .description(
      'report violations and agent health for the security team, from the ' +
        'local store (read only)',
    )
    .requiredOption('--data <dir>', 'collector data directory')
    .option(
      '--since <time>',
      'start: a duration back from --until (7d, 24h), a date (midnight in ' +
        '--tz) or an RFC 3339 time (default 7d)',
    )
    .option(
      '--until <time>',
      'end, exclusive: a duration back from now, a date or a time ' +
        '(default now)',
    )
    .option('--format <format>', 'html, csv or json (default html)')
    .option(
      '--out <file>',
      'write here, mode 0600, replacing it whole; "-" or none: standard output',
    )
    .option('--lang <lang>', 'en or zh-CN (default: from LC_ALL or LANG)')
    .option('--tz <zone>', "IANA timezone of the times (default: the system's)")
    .action((options: ReportCliOptions) => {
      runReport(options);
    });
}

function runReport(options: ReportCliOptions): void {
  const resolved = resolveReportOptions(options);
  const out = options.out === '-' ? undefined : options.out;
  if (out !== undefined) checkReportOut(out);
  const store = openStore(resolve(options.data), true);
  let report: Report;
  try {
    report = buildReport(store, resolved);
  } finally {
    store.close();
  }
  const text = renderReport(report, resolved.format);
  if (out === undefined) {
    process.stdout.write(text);
    return;
  }
  writeReportFile(out, text);
  process.stdout.write(
    `wrote ${out}: ${report.totals.total} violations, ` +
      `${report.agents.length} agents, ${report.since} .. ${report.until}\n`,
  );
}
