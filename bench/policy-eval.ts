import { performance } from 'node:perf_hooks';
import { cpuUsage } from 'node:process';
import { pathToFileURL } from 'node:url';
import {
  type LimitCounter,
  MemoryLimitCounter,
} from '../collector/policy/limit-counter.js';
import { PolicySet } from '../collector/policy/policy-set.js';
import type { AccessEvent } from '../protocol/event.js';
import { generatedEvents, generatedPolicy } from './policy-eval-data.js';

/** Events judged per row (DESIGN section 10 measures on a million). */
const EVENTS_DEFAULT = 1_000_000;
/** Events generated once and judged again and again, later each pass. */
const POOL_SIZE = 65_536;
const POOL_SPAN_MS = 10 * 60 * 1000;
/** Monday 2026-03-02: 19:00 in Shanghai, 12:00 in Berlin, 06:00 in New York. */
const START_MS = Date.parse('2026-03-02T11:00:00Z');
/** DESIGN section 10: 1,000 policies, one core. */
const GOAL_EVENTS_PER_S = 200_000;
const GOAL_POLICIES = 1000;

export interface PolicyEvalRow {
  setup: string;
  /** Time to parse and compile the policies, in ms; 0 for the reference. */
  loadMs: number;
  events: number;
  eventsPerSecond: number;
  violations: number;
}

type Judge = (event: AccessEvent) => number;

/**
 * Judges `events` generated events with 10, 100 and 1,000 generated
 * policies, then 1,000 with limits counted in memory, beside a reference
 * loop that only reads each event's path. Runs on this thread: one core.
 */
export function runPolicyEvalBench(events = EVENTS_DEFAULT): PolicyEvalRow[] {
  const rows: PolicyEvalRow[] = [];
  const pool = generatedEvents(
    POOL_SIZE,
    GOAL_POLICIES,
    START_MS,
    POOL_SPAN_MS,
  );
  const reference: Judge = (event) => (event.path?.length ?? 0) & 0;
  rows.push(
    measure('reference: read the path only', 0, pool, events, reference),
  );
  for (const count of [10, 100, GOAL_POLICIES]) {
    const { set, loadMs } = loadGenerated(count);
    const sized = generatedEvents(POOL_SIZE, count, START_MS, POOL_SPAN_MS);
    const judge: Judge = (event) => set.evaluate(event).length;
    rows.push(measure(`${count} policies`, loadMs, sized, events, judge));
  }
  const { set, loadMs } = loadGenerated(GOAL_POLICIES);
  let counter: LimitCounter = new MemoryLimitCounter();
  const limited: Judge = (event) => set.evaluate(event, counter).length;
  const setup = `${GOAL_POLICIES} policies, limits counted in memory`;
  rows.push(
    measure(setup, loadMs, pool, events, limited, () => {
      counter = new MemoryLimitCounter();
    }),
  );
  return rows;
}

function loadGenerated(count: number): { set: PolicySet; loadMs: number } {
  const docs = Array.from({ length: count }, (_, i) =>
    generatedPolicy(i, count),
  );
  const start = performance.now();
  const set = PolicySet.fromDocuments(docs);
  return { set, loadMs: performance.now() - start };
}

/**
 * Judges `total` events from the pool, one pass after another; between
 * passes (untimed) the pool moves on by its span, so time keeps going
 * forward as it does for a collector. One untimed pass warms the JIT.
 * Time is the process's CPU time, not the wall clock: on a shared machine
 * other work stretches wall time but not CPU time. It includes V8's
 * garbage collector threads, so it errs on the slow side.
 */
function measure(
  setup: string,
  loadMs: number,
  pool: AccessEvent[],
  total: number,
  judge: Judge,
  afterWarmup?: () => void,
): PolicyEvalRow {
  runPass(pool, pool.length, judge);
  afterWarmup?.();
  let elapsedMs = 0;
  let violations = 0;
  for (let pass = 0, done = 0; done < total; pass++) {
    retime(pool, START_MS + pass * POOL_SPAN_MS);
    const count = Math.min(pool.length, total - done);
    const start = cpuUsage();
    violations += runPass(pool, count, judge);
    const used = cpuUsage(start);
    elapsedMs += (used.user + used.system) / 1000;
    done += count;
  }
  retime(pool, START_MS);
  const eventsPerSecond = Math.round(total / (elapsedMs / 1000));
  return { setup, loadMs, events: total, eventsPerSecond, violations };
}

function runPass(pool: AccessEvent[], count: number, judge: Judge): number {
  let violations = 0;
  for (let i = 0; i < count; i++) violations += judge(pool[i]!);
  return violations;
}

function retime(pool: AccessEvent[], startMs: number): void {
  pool.forEach((event, i) => {
    const offset = Math.floor((i * POOL_SPAN_MS) / pool.length);
    event.time = new Date(startMs + offset).toISOString();
  });
}

/** The rows as a small text table, then the goal of DESIGN section 10. */
export function formatPolicyEvalTable(rows: PolicyEvalRow[]): string {
  const n = (value: number) => Math.round(value).toLocaleString('en-US');
  const head = ['setup', 'load ms', 'events/s', 'µs/event', 'violations'];
  const body = rows.map((row) => [
    row.setup,
    row.loadMs === 0 ? '-' : n(row.loadMs),
    n(row.eventsPerSecond),
    (1e6 / row.eventsPerSecond).toFixed(3),
    n(row.violations),
  ]);
  const widths = head.map((h, c) =>
    Math.max(h.length, ...body.map((cells) => cells[c]?.length ?? 0)),
  );
  const line = (cells: string[]) =>
    cells
      .map((cell, c) =>
        c === 0 ? cell.padEnd(widths[c] ?? 0) : cell.padStart(widths[c] ?? 0),
      )
      .join('  ');
  const goalRow = rows.find((row) => row.setup === `${GOAL_POLICIES} policies`);
  const rate = goalRow?.eventsPerSecond ?? 0;
  const verdict = rate >= GOAL_EVENTS_PER_S ? 'met' : 'NOT met';
  return [
    `policy evaluation, ${n(rows[0]?.events ?? 0)} events per row, one core, CPU time, Node ${process.version}`,
    line(head),
    ...body.map(line),
    `goal: ${n(GOAL_POLICIES)} policies at >= ${n(GOAL_EVENTS_PER_S)} events/s: ${verdict} (${n(rate)})`,
  ].join('\n');
}

// Run directly: `node dist/bench/policy-eval.js [events]`.
if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const events = Number(process.argv[2] ?? EVENTS_DEFAULT);
  console.log(formatPolicyEvalTable(runPolicyEvalBench(events)));
}
