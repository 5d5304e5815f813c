import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { auditParseGroup } from './audit-parse.js';
import { exportVerifyGroup } from './export-verify.js';
import { footprintGroup } from './footprint.js';
import { ingestGroup } from './ingest.js';
import { latencyGroup } from './latency.js';
import { runGroups, type BenchGroup, type FigureResult } from './harness.js';
import { policyEvalGroup } from './policy-eval.js';
import { globWorstGroup } from './glob-worst.js';
import {
  loadNow,
  machineInfo,
  markdownReport,
  textSummary,
  type BenchReport,
} from './report.js';
import { scalingGroup } from './scaling.js';
import { sealGroup } from './seal.js';

/** The repository: dist/bench/run.js is two folders below it. */
const REPO_ROOT = resolve(import.meta.dirname, '..', '..');
const SPREAD = 'min–max of the rounds, and (max − min) / median';

/** This run's scratch folder, removed at the end or on a signal. */
let scratchDir: string | undefined;

/** Every benchmark group, in the order a full run measures them. */
export const GROUPS: readonly BenchGroup[] = [
  policyEvalGroup,
  globWorstGroup,
  auditParseGroup,
  sealGroup,
  ingestGroup,
  scalingGroup,
  latencyGroup,
  footprintGroup,
  exportVerifyGroup,
];

interface Args {
  only: string[];
  rounds?: number;
  quick: boolean;
  /** Folder for latest.json and RESULTS.md; default bench/results, bench. */
  out?: string;
}

/**
 * `npm run bench` / `node dist/bench/run.js [--only a,b] [--rounds N]
 * [--quick] [--out DIR]`: runs the groups, prints a summary, writes
 * bench/results/latest.json and bench/RESULTS.md. With --only, figures of
 * the other groups are kept from the previous latest.json.
 */
async function main(argv: string[]): Promise<void> {
  const args = parseCli(argv);
  const groups = GROUPS.filter(
    (g) => args.only.length === 0 || args.only.includes(g.name),
  );
  const unknown = args.only.filter((n) => !GROUPS.some((g) => g.name === n));
  if (unknown.length > 0) {
    throw new Error(
      `--only: no benchmark ${unknown.join(', ')}; there are ${GROUPS.map((g) => g.name).join(', ')}`,
    );
  }
  const scratch = mkdtempSync(join(tmpdir(), 'vigil-bench-'));
  scratchDir = scratch;
  const machine = machineInfo();
  const loadAtStart = loadNow();
  let outcome;
  try {
    outcome = await runGroups(
      groups,
      {
        quick: args.quick,
        scratch,
        ...(args.rounds ? { rounds: args.rounds } : {}),
      },
      (line) => console.error(line),
    );
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
  const jsonFile = join(
    args.out ?? join(REPO_ROOT, 'bench', 'results'),
    'latest.json',
  );
  const ran = new Set(groups.map((g) => g.name));
  const report: BenchReport = {
    machine,
    quick: args.quick,
    load: { start: loadAtStart, end: loadNow() },
    spread: SPREAD,
    figures: merge(previous(jsonFile, ran), outcome.figures, machine.date),
    skipped: outcome.skipped,
  };
  mkdirSync(resolve(jsonFile, '..'), { recursive: true });
  writeFileSync(jsonFile, `${JSON.stringify(report, null, 2)}\n`);
  const mdFile = join(args.out ?? join(REPO_ROOT, 'bench'), 'RESULTS.md');
  const findingsFile = join(REPO_ROOT, 'bench', 'findings.md');
  const findings = existsSync(findingsFile)
    ? readFileSync(findingsFile, 'utf8')
    : '';
  writeFileSync(
    mdFile,
    await prettyMarkdown(markdownReport(report, findings), mdFile),
  );
  process.stdout.write(textSummary(report));
}

function parseCli(argv: string[]): Args {
  const { values } = parseArgs({
    args: argv,
    options: {
      only: { type: 'string' },
      rounds: { type: 'string' },
      quick: { type: 'boolean', default: false },
      out: { type: 'string' },
    },
  });
  const rounds =
    values.rounds === undefined ? undefined : Number(values.rounds);
  if (rounds !== undefined && !(Number.isInteger(rounds) && rounds > 0)) {
    throw new Error(`--rounds: "${values.rounds}" is not a positive integer`);
  }
  return {
    only: (values.only ?? '')
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean),
    quick: values.quick,
    ...(rounds === undefined ? {} : { rounds }),
    ...(values.out === undefined ? {} : { out: resolve(values.out) }),
  };
}

/** Figures of groups not run now, from the last latest.json, if any. */
function previous(file: string, ran: Set<string>): FigureResult[] {
  try {
    const old = JSON.parse(readFileSync(file, 'utf8')) as BenchReport;
    return old.figures.filter((f) => !ran.has(f.group));
  } catch {
    return [];
  }
}

function merge(
  kept: FigureResult[],
  fresh: FigureResult[],
  date: string,
): FigureResult[] {
  const order = GROUPS.map((g) => g.name);
  const stamped = fresh.map((f): FigureResult => ({ ...f, measuredAt: date }));
  return [...kept, ...stamped].sort(
    (a, b) => order.indexOf(a.group) - order.indexOf(b.group),
  );
}

// prettier is a dev dependency: where it is missing the text stays as is.
async function prettyMarkdown(text: string, file: string): Promise<string> {
  try {
    const prettier = await import('prettier');
    const config = (await prettier.resolveConfig(file)) ?? {};
    return await prettier.format(text, { ...config, parser: 'markdown' });
  } catch {
    return text;
  }
}

// Ctrl-C or a kill mid-run: every group's teardown (each does nothing if
// its group is not set up) stops the processes it started and removes the
// audit rules of its agent, then the run ends.
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    console.error(`${signal}: cleaning up`);
    void Promise.allSettled(GROUPS.map((g) => g.teardown?.())).then(() => {
      if (scratchDir) rmSync(scratchDir, { recursive: true, force: true });
      process.exit(130);
    });
  });
}

main(process.argv.slice(2)).catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exitCode = 1;
});
