import { cpuUsage } from 'node:process';
import { MemoryLimitCounter } from '../collector/policy/limit-counter.js';
import { PolicySet } from '../collector/policy/policy-set.js';
import type { AccessEvent } from '../protocol/event.js';
import type { BenchGroup, Benchmark, Sample } from './harness.js';
import { generatedEvents, generatedPolicy } from './policy-eval-data.js';

/** Events judged per figure and round (DESIGN section 10 says a million). */
const EVENTS_PER_ROUND = 1_000_000;
const EVENTS_QUICK = 50_000;
/** Events generated once and judged again and again, later each pass. */
const POOL_SIZE = 65_536;
const POOL_QUICK = 8_192;
const POOL_SPAN_MS = 10 * 60 * 1000;
/** Monday 2026-03-02: 19:00 in Shanghai, 12:00 in Berlin, 06:00 in New York. */
export const START_MS = Date.parse('2026-03-02T11:00:00Z');
/** DESIGN section 10: 1,000 policies at 200,000 events/s on one core. */
const GOAL_EVENTS_PER_S = 200_000;
export const POLICY_COUNTS = [10, 100, 1000] as const;

type Judge = (event: AccessEvent) => number;

/** Generated policies `0..count-1` as one compiled set. */
export function generatedPolicySet(count: number): PolicySet {
  return PolicySet.fromDocuments(
    Array.from({ length: count }, (_, i) => generatedPolicy(i, count)),
  );
}

/**
 * Policy evaluation on this thread (one core): `PolicySet.evaluate` over
 * generated events with 10, 100 and 1,000 generated policies, then 1,000
 * with limits counted in memory; the reference is a loop over the same
 * events that only reads each path.
 */
export const policyEvalGroup: BenchGroup = {
  name: 'policy-eval',
  rounds: 5,
  quickRounds: 1,
  setup({ quick }) {
    const total = quick ? EVENTS_QUICK : EVENTS_PER_ROUND;
    const poolSize = quick ? POOL_QUICK : POOL_SIZE;
    const data = POLICY_COUNTS.map((count) => ({
      count,
      set: generatedPolicySet(count),
      pool: generatedEvents(poolSize, count, START_MS, POOL_SPAN_MS),
    }));
    const figures = data.map(({ count, set, pool }) =>
      figure(
        `policy-eval ${count} policies`,
        pool,
        total,
        count === 1000,
        () => {
          return (event) => set.evaluate(event).length;
        },
      ),
    );
    const { set, pool } = data.at(-1)!;
    const limited = figure(
      'policy-eval 1000 policies, limits',
      pool,
      total,
      false,
      () => {
        const counter = new MemoryLimitCounter();
        return (event) => set.evaluate(event, counter).length;
      },
    );
    return [...figures, limited];
  },
};

function figure(
  name: string,
  pool: AccessEvent[],
  total: number,
  goal: boolean,
  makeJudge: () => Judge,
): Benchmark {
  const reference: Judge = (event) => (event.path?.length ?? 0) & 0;
  return {
    name,
    unit: 'events/s',
    ...(goal
      ? { target: { of: 'value', op: '>=', bound: GOAL_EVENTS_PER_S } }
      : {}),
    measures:
      'PolicySet.evaluate per event, one core, process CPU time' +
      (name.endsWith('limits') ? ', limits counted in memory' : ''),
    reference: 'a loop over the same events that only reads each path',
    run(): Sample {
      const value = measure(pool, total, makeJudge());
      return { value, reference: measure(pool, total, reference) };
    },
  };
}

/**
 * Judges `total` events from the pool, one pass after another; between
 * passes (untimed) the pool moves on by its span, so time keeps going
 * forward as it does for a collector. One untimed pass warms the JIT.
 * Time is the process's CPU time, not the wall clock: on a shared machine
 * other work stretches wall time but not CPU time. It includes V8's
 * garbage collector threads, so it errs on the slow side.
 */
export function measure(
  pool: AccessEvent[],
  total: number,
  judge: Judge,
): number {
  runPass(pool, pool.length, judge);
  let elapsedMs = 0;
  for (let pass = 0, done = 0; done < total; pass++) {
    retime(pool, START_MS + pass * POOL_SPAN_MS);
    const count = Math.min(pool.length, total - done);
    const start = cpuUsage();
    runPass(pool, count, judge);
    const used = cpuUsage(start);
    elapsedMs += (used.user + used.system) / 1000;
    done += count;
  }
  retime(pool, START_MS);
  return total / (Math.max(elapsedMs, 0.001) / 1000);
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
