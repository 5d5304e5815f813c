/**
 * The benchmark harness: what a benchmark is, how its rounds are run, and
 * how each figure is summed up (median, spread, ratio to its reference,
 * verdict against its target). No timing is asserted anywhere: a figure
 * below target is reported, never thrown.
 */

/** One round's measurement of a figure, and its reference when it has one. */
export interface Sample {
  value: number;
  /** The same work's physical limit (or a bare loop), measured this round. */
  reference?: number;
}

/**
 * A goal of DESIGN section 10: the median `value` (or `ratio`, the median
 * value over the median reference) must be at least / at most `bound`.
 */
export interface Target {
  of: 'value' | 'ratio';
  op: '>=' | '<=';
  bound: number;
}

/** Options every benchmark sees. */
export interface RunOptions {
  /** Fewer events and rounds: a smoke run, not a measurement. */
  quick: boolean;
  /** A scratch directory for this run, removed at the end. */
  scratch: string;
}

/** One figure of the report. */
export interface Benchmark {
  name: string;
  unit: string;
  target?: Target;
  /** What the figure measures, in one line, for the report. */
  measures: string;
  /** What the reference is, in one line, when there is one. */
  reference?: string;
  run(round: number): Sample | Promise<Sample>;
}

/**
 * Figures that share a setup (a collector, a deployment, a generated log)
 * and are measured round by round together: round r of every figure runs
 * before round r + 1 of any, so figures read from one measurement agree.
 */
export interface BenchGroup {
  name: string;
  /** Rounds when `--rounds` is not given; quick runs use `quickRounds`. */
  rounds: number;
  quickRounds?: number;
  /** Why the group cannot run here (no root, no auditd), or undefined. */
  unavailable?(): Promise<string | undefined> | string | undefined;
  setup?(options: RunOptions): Promise<Benchmark[]> | Benchmark[];
  benchmarks?: Benchmark[];
  teardown?(): Promise<void> | void;
}

/** A figure as the report shows it. */
export interface FigureResult {
  group: string;
  name: string;
  unit: string;
  measures: string;
  referenceMeasures?: string;
  rounds: number;
  values: number[];
  references?: number[];
  /** Median of the rounds' values. */
  median: number;
  min: number;
  max: number;
  /** (max - min) / median: the spread of the rounds, as a share. */
  spread: number;
  referenceMedian?: number;
  /** Median value over median reference. */
  ratio?: number;
  target?: Target;
  /** undefined when the figure has no target. */
  pass?: boolean;
  /** Date of the run that measured it, when kept from an earlier run. */
  measuredAt?: string;
}

/** A group that did not run, and why. */
export interface Skipped {
  group: string;
  reason: string;
}

export function median(values: readonly number[]): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1
    ? sorted[mid]!
    : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** The `p`-th percentile (0..100) by nearest rank. */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1]!;
}

/** Sums up the rounds of one figure. */
export function summarize(
  group: string,
  bench: Benchmark,
  samples: readonly Sample[],
): FigureResult {
  const values = samples.map((s) => s.value);
  const refs = samples.flatMap((s) =>
    s.reference === undefined ? [] : [s.reference],
  );
  const mid = median(values);
  const min = Math.min(...values);
  const max = Math.max(...values);
  const result: FigureResult = {
    group,
    name: bench.name,
    unit: bench.unit,
    measures: bench.measures,
    rounds: samples.length,
    values,
    median: mid,
    min,
    max,
    spread: mid === 0 ? 0 : (max - min) / mid,
  };
  if (bench.reference !== undefined) {
    result.referenceMeasures = bench.reference;
  }
  if (refs.length > 0) {
    result.references = refs;
    result.referenceMedian = median(refs);
    result.ratio = mid / result.referenceMedian;
  }
  if (bench.target) {
    result.target = bench.target;
    result.pass = meets(result, bench.target);
  }
  return result;
}

function meets(result: FigureResult, target: Target): boolean | undefined {
  const measured = target.of === 'ratio' ? result.ratio : result.median;
  if (measured === undefined || Number.isNaN(measured)) return false;
  return target.op === '>='
    ? measured >= target.bound
    : measured <= target.bound;
}

/**
 * Runs each group: setup, its rounds (every selected figure per round),
 * teardown even when a round threw. A group that cannot run here, or
 * fails, is reported as skipped with its reason; the others still run.
 */
export async function runGroups(
  groups: readonly BenchGroup[],
  options: RunOptions & { rounds?: number },
  log: (line: string) => void = () => {},
): Promise<{ figures: FigureResult[]; skipped: Skipped[] }> {
  const figures: FigureResult[] = [];
  const skipped: Skipped[] = [];
  for (const group of groups) {
    const reason = await group.unavailable?.();
    if (reason !== undefined) {
      skipped.push({ group: group.name, reason });
      log(`${group.name}: skipped (${reason})`);
      continue;
    }
    try {
      figures.push(...(await runGroup(group, options, log)));
    } catch (error) {
      const why = error instanceof Error ? error.message : String(error);
      skipped.push({ group: group.name, reason: `failed: ${why}` });
      log(`${group.name}: FAILED: ${why}`);
    }
  }
  return { figures, skipped };
}

async function runGroup(
  group: BenchGroup,
  options: RunOptions & { rounds?: number },
  log: (line: string) => void,
): Promise<FigureResult[]> {
  const rounds =
    options.rounds ?? (options.quick ? (group.quickRounds ?? 1) : group.rounds);
  try {
    const all = group.setup ? await group.setup(options) : [];
    const benches = [...all, ...(group.benchmarks ?? [])];
    const samples = benches.map((): Sample[] => []);
    for (let round = 0; round < rounds; round++) {
      for (const [i, bench] of benches.entries()) {
        const sample = await bench.run(round);
        samples[i]!.push(sample);
        log(`${bench.name} round ${round + 1}/${rounds}: ${show(sample)}`);
      }
    }
    return benches.map((b, i) => summarize(group.name, b, samples[i]!));
  } finally {
    await group.teardown?.();
  }
}

function show(sample: Sample): string {
  const n = (v: number) => (Math.round(v * 100) / 100).toLocaleString('en');
  return sample.reference === undefined
    ? n(sample.value)
    : `${n(sample.value)} (reference ${n(sample.reference)})`;
}
