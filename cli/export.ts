import type { Command } from 'commander';
import { readFileSync, writeFileSync } from 'node:fs';
import { exportBundle } from '../collector/export/export-bundle.js';
import { loadDataDir, openStore } from '../collector/data-dir.js';
import {
  BundleError,
  verifyBundle,
  type VerifyReport,
} from '../protocol/bundle.js';
import { EXIT_FAILURE } from './run-cli.js';

interface ExportCliOptions {
  data: string;
  from: string;
  to: string;
  vendor?: string;
  agent?: string;
  out: string;
}

/** Registers `vigil export` and `vigil verify` (DESIGN section 8). */
export function registerExportCommands(program: Command): void {
  program
    .command('export')
    .description('write a signed bundle of events for an auditor')
    .requiredOption('--data <dir>', 'collector data directory')
    .requiredOption('--from <time>', 'range start, ISO 8601, inclusive')
    .requiredOption('--to <time>', 'range end, ISO 8601, exclusive')
    .option('--vendor <vendor>', 'only agents of this vendor')
    .option('--agent <id>', 'only this agent')
    .requiredOption('--out <file>', 'where to write the bundle')
    .action((options: ExportCliOptions) => {
      runExport(options);
    });
  program
    .command('verify')
    .description('check a bundle offline against the collector CA')
    .argument('<file>', 'bundle written by `vigil export`')
    .requiredOption('--ca <pem>', 'the collector CA certificate you trust')
    .option('--json', 'print the report as JSON')
    .action((file: string, options: { ca: string; json?: boolean }) => {
      runVerify(file, options);
    });
}

function runExport(options: ExportCliOptions): void {
  const identity = loadDataDir(options.data);
  const store = openStore(options.data, true);
  try {
    const bundle = exportBundle(identity, store, options);
    // Events name people and files: readable by the exporting user only.
    writeFileSync(options.out, `${JSON.stringify(bundle, null, 2)}\n`, {
      mode: 0o600,
    });
    const { counts } = bundle.manifest;
    process.stdout.write(
      `wrote ${options.out}: ${counts.events} events, ${counts.redacted} ` +
        `as hash only, ${counts.agents} agents, ${counts.checkpoints} ` +
        'checkpoints\n',
    );
  } finally {
    store.close();
  }
}

function runVerify(file: string, options: { ca: string; json?: boolean }) {
  try {
    const report = verifyBundle(
      readText(file, 'bundle'),
      readText(options.ca, '--ca'),
    );
    process.stdout.write(
      options.json
        ? `${JSON.stringify({ ok: true, report }, null, 2)}\n`
        : summary(report),
    );
  } catch (error) {
    if (!options.json || !(error instanceof BundleError)) throw error;
    const { code, message } = error;
    process.stdout.write(
      `${JSON.stringify({ ok: false, error: { code, message } })}\n`,
    );
    process.exitCode = EXIT_FAILURE;
  }
}

function readText(file: string, what: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (error) {
    throw new BundleError(
      'VIGIL_BUNDLE_UNREADABLE',
      `${what}: ${file} could not be read`,
      {
        cause: error,
      },
    );
  }
}

/** The human summary `vigil verify` prints on success. */
export function summary(report: VerifyReport): string {
  const { filters, range, timeSpan } = report;
  const lines = [
    `bundle verified against CA sha256 ${report.caFingerprint}`,
    `  signed by the collector at ${report.createdAt}`,
    `  range ${range.from} .. ${range.to}; vendor ${filters.vendor ?? 'any'}, agent ${filters.agent ?? 'any'}`,
    ...report.agents.map(
      (a) =>
        `  agent ${a.id} (vendor ${a.vendor}): seq ${a.firstSeq}..${a.lastSeq}, ` +
        `${a.events} events, ${a.redacted} as hash only, ${a.checkpoints} checkpoints`,
    ),
    `  ${report.events} events shown in full` +
      (timeSpan ? `, from ${timeSpan.first} to ${timeSpan.last}` : ''),
    "proved: every event and hash is in its agent's signed chain, with no seq",
    '  missing between the first and last of each agent, as the collector held it',
  ];
  return `${lines.join('\n')}\n`;
}
