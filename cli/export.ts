import type { Command } from 'commander';
import { statSync } from 'node:fs';
import { exportBundle } from '../collector/export/export-bundle.js';
import { loadDataDir, openStore } from '../collector/data-dir.js';
import {
  BundleError,
  verifyBundleFile,
  type VerifyReport,
} from '../protocol/bundle.js';
import { readNoteFile, readPemFile } from './note-file.js';
import { printable } from './printable.js';
import { progressBar } from './progress.js';
import { EXIT_FAILURE } from './run-cli.js';

interface VerifyCliOptions {
  ca: string;
  sinceCheckpoint?: string;
  json?: boolean;
}

interface ExportCliOptions {
  data: string;
  from: string;
  to: string;
  vendor?: string;
  agent?: string;
  path?: string;
  sinceCheckpoint?: string;
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
    .option('--path <glob>', 'only events on paths matching this glob')
    .option(
      '--since-checkpoint <file>',
      'log checkpoint kept from the last audit: adds a consistency proof',
    )
    .requiredOption('--out <file>', 'where to write the bundle')
    .action((options: ExportCliOptions) => {
      runExport(options);
    });
  program
    .command('verify')
    .description('check a bundle offline against the collector CA')
    .argument('<file>', 'bundle written by `vigil export`')
    .requiredOption('--ca <pem>', 'the collector CA certificate you trust')
    .option(
      '--since-checkpoint <file>',
      'the log checkpoint you kept: the bundle must prove the log extends it',
    )
    .option('--json', 'print the report as JSON')
    .action(async (file: string, options: VerifyCliOptions) => {
      await runVerify(file, options);
    });
}

function runExport(options: ExportCliOptions): void {
  const identity = loadDataDir(options.data);
  const since =
    options.sinceCheckpoint === undefined
      ? undefined
      : readNoteFile(options.sinceCheckpoint, '--since-checkpoint');
  const store = openStore(options.data, true);
  const progress = progressBar('exporting', 'events');
  try {
    const { counts, log } = exportBundle(
      identity,
      store,
      { ...options, sinceCheckpoint: since, onProgress: progress.update },
      options.out,
    );
    progress.end();
    for (const problem of log.missing) {
      process.stderr.write(
        `warning: transparency log: ${printable(problem)}\n`,
      );
    }
    process.stdout.write(
      `wrote ${options.out}: ${counts.events} events, ${counts.redacted} ` +
        `as hash only, ${counts.agents} agents, ${counts.checkpoints} ` +
        `checkpoints; log size ${log.size}` +
        (log.since === null ? '' : ` (since size ${log.since})`) +
        '\n',
    );
  } finally {
    store.close();
  }
}

async function runVerify(
  file: string,
  options: { ca: string; json?: boolean },
) {
  const progress = progressBar('verifying', 'bytes');
  try {
    const caPem = readPemFile(options.ca, '--ca');
    const total = fileSize(file);
    const report = await verifyBundleFile(file, caPem, (read) =>
      progress.update(read, total),
    );
    progress.end();
    process.stdout.write(
      options.json
        ? `${JSON.stringify({ ok: true, report }, null, 2)}\n`
        : summary(report),
    );
  } catch (error) {
    progress.end();
    if (!options.json || !(error instanceof BundleError)) throw error;
    const { code, message } = error;
    process.stdout.write(
      `${JSON.stringify({ ok: false, error: { code, message } })}\n`,
    );
    process.exitCode = EXIT_FAILURE;
  }
}

function fileSize(file: string): number {
  try {
    return statSync(file).size;
  } catch (error) {
    throw unreadable(file, 'bundle', error);
  }
}

function unreadable(file: string, what: string, cause: unknown) {
  return new BundleError(
    'VIGIL_BUNDLE_UNREADABLE',
    `${what}: ${file} could not be read`,
    { cause },
  );
}

/** The human summary `vigil verify` prints on success. */
export function summary(report: VerifyReport): string {
  const { filters, range, timeSpan, log } = report;
  const lines = [
    `bundle verified against CA sha256 ${report.caFingerprint}`,
    `  signed by the collector at ${report.createdAt}`,
    `  range ${range.from} .. ${range.to}; vendor ${filters.vendor ?? 'any'}, ` +
      `agent ${filters.agent ?? 'any'}, path ${filters.path ?? 'any'}`,
    ...report.agents.map(
      (a) =>
        `  agent ${a.id} (vendor ${a.vendor}): seq ${a.firstSeq}..${a.lastSeq}, ` +
        `${a.events} events, ${a.redacted} as hash only, ${a.checkpoints} checkpoints`,
    ),
    `  ${report.events} events shown in full` +
      (timeSpan ? `, from ${timeSpan.first} to ${timeSpan.last}` : ''),
    "proved: every event and hash is in its agent's signed chain, with no seq",
    '  missing between the first and last of each agent, as the collector held it',
    ...logLines(log),
  ];
  // Ids, filters and times come from the file: no control characters.
  return `${lines.map(printable).join('\n')}\n`;
}

function logLines(log: VerifyReport['log']): string[] {
  const lines = [
    `log ${log.origin}: checkpoint of size ${log.size} signed by the collector's log key;`,
    `  all ${log.included} exported batches are included in it`,
  ];
  if (log.since) {
    lines.push(
      `  it extends the checkpoint of size ${log.since.size} you kept: ` +
        `${log.since.appended} batches appended since, none removed or changed`,
    );
  }
  return lines;
}
