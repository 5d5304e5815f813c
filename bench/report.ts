import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { cpus, loadavg, totalmem } from 'node:os';
import type { FigureResult, Skipped, Target } from './harness.js';

/** The machine a run measured, so figures are never read without it. */
export interface Machine {
  cpu: string;
  cores: number;
  memoryGiB: number;
  node: string;
  date: string;
  commit: string;
}

/** Everything one `npm run bench` found: written as latest.json. */
export interface BenchReport {
  machine: Machine;
  quick: boolean;
  /**
   * One-minute load average when the run started and ended: above the
   * core count, other work shared the machine and the figures are low.
   */
  load: { start: number; end: number };
  /** How the spread column is computed. */
  spread: string;
  figures: FigureResult[];
  skipped: Skipped[];
}

export function machineInfo(now = new Date()): Machine {
  return {
    cpu: cpuModel(),
    cores: cpus().length,
    memoryGiB: Math.round(totalmem() / 2 ** 30),
    node: process.version,
    date: now.toISOString(),
    commit: gitCommit(),
  };
}

function cpuModel(): string {
  try {
    const info = readFileSync('/proc/cpuinfo', 'utf8');
    const line = /^model name\s*:\s*(.+)$/m.exec(info);
    if (line?.[1]) return line[1].trim();
  } catch {
    // not Linux: fall back to what Node reports
  }
  return cpus()[0]?.model ?? 'unknown CPU';
}

// The commit measured, marked when the tree held uncommitted changes.
function gitCommit(): string {
  try {
    const git = (args: string[]) =>
      execFileSync('git', args, { encoding: 'utf8', stdio: 'pipe' }).trim();
    const head = git(['rev-parse', '--short=12', 'HEAD']);
    return git(['status', '--porcelain']) === '' ? head : `${head}+changes`;
  } catch {
    return 'unknown';
  }
}

/** The machine line every table is printed under. */
export function machineLine(m: Machine): string {
  return (
    `${m.cpu}, ${m.cores} cores, ${m.memoryGiB} GiB, Node ${m.node}, ` +
    `commit ${m.commit}, ${m.date.slice(0, 16).replace('T', ' ')} UTC`
  );
}

/** The one-minute load average now. */
export function loadNow(): number {
  return loadavg()[0] ?? 0;
}

/** A number as the tables show it: grouped thousands, few decimals. */
export function formatNumber(value: number | undefined): string {
  if (value === undefined || Number.isNaN(value)) return '-';
  const abs = Math.abs(value);
  const digits = abs >= 100 ? 0 : abs >= 10 ? 1 : abs >= 1 ? 2 : 3;
  return value.toLocaleString('en-US', {
    minimumFractionDigits: digits,
    maximumFractionDigits: digits,
  });
}

export function formatTarget(target: Target | undefined, unit: string) {
  if (!target) return '-';
  return target.of === 'ratio'
    ? `ratio ${target.op} ${formatNumber(target.bound)}`
    : `${target.op} ${formatNumber(target.bound)} ${unit}`;
}

function verdict(figure: FigureResult): string {
  if (figure.pass === undefined) return '-';
  return figure.pass ? 'met' : '**not met**';
}

/** The results table, one row per figure, in Markdown. */
export function markdownTable(figures: readonly FigureResult[]): string {
  const head = [
    'figure',
    'unit',
    'median',
    'spread (min–max)',
    'reference',
    'ratio',
    'target',
    'result',
  ];
  const rows = figures.map((f) => [
    f.name,
    f.unit,
    formatNumber(f.median),
    `${formatNumber(f.min)}–${formatNumber(f.max)} (${Math.round(f.spread * 100)}%)`,
    formatNumber(f.referenceMedian),
    f.ratio === undefined ? '-' : formatNumber(f.ratio),
    formatTarget(f.target, f.unit),
    verdict(f),
  ]);
  const line = (cells: string[]) => `| ${cells.join(' | ')} |`;
  return [line(head), line(head.map(() => '---')), ...rows.map(line)].join(
    '\n',
  );
}

/**
 * bench/RESULTS.md: machine line, table, what each figure measures, and the
 * hand-written findings (bench/findings.md: what remains and why).
 */
export function markdownReport(report: BenchReport, findings = ''): string {
  const notes = report.figures.map((f) => {
    const ref = f.referenceMeasures
      ? ` Reference: ${f.referenceMeasures}.`
      : '';
    return `- **${f.name}** (${f.rounds} rounds): ${f.measures}.${ref}`;
  });
  const skipped = report.skipped.map((s) => `- ${s.group}: ${s.reason}`);
  return [
    '# Benchmark results',
    '',
    `Written by \`npm run bench\`${report.quick ? ' --quick (a smoke run, not a measurement)' : ''}; ` +
      'see docs/performance.md for how to run and read it.',
    '',
    `Machine: ${machineLine(report.machine)}. Load average (1 min): ` +
      `${report.load.start.toFixed(1)} at the start, ${report.load.end.toFixed(1)} at the end.`,
    '',
    `Median of the rounds; spread is ${report.spread}. Ratio is the median ` +
      'value over the median reference measured in the same rounds.',
    '',
    markdownTable(report.figures),
    '',
    '## What each figure measures',
    '',
    ...notes,
    ...(skipped.length > 0 ? ['', '## Not measured', '', ...skipped] : []),
    '',
    ...(findings ? [findings.trimEnd(), ''] : []),
  ].join('\n');
}

/** Plain text for the terminal: the same table without Markdown. */
export function textSummary(report: BenchReport): string {
  const lines = report.figures.map(
    (f) =>
      `${f.name}: ${formatNumber(f.median)} ${f.unit}` +
      (f.ratio === undefined ? '' : ` (ratio ${formatNumber(f.ratio)})`) +
      (f.pass === undefined ? '' : f.pass ? ' met' : ' NOT MET'),
  );
  const skipped = report.skipped.map((s) => `${s.group}: ${s.reason}`);
  return [`machine: ${machineLine(report.machine)}`, ...lines, ...skipped]
    .join('\n')
    .concat('\n');
}
