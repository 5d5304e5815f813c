import { performance } from 'node:perf_hooks';
import { compileGlobs } from '../collector/policy/glob-rules.js';
import type { Benchmark, BenchGroup, Sample } from './harness.js';

/** A hostile path may cost at most this much to match against a policy. */
const WORST_MATCH_MS = 250;

const SEGMENT = 'a'.repeat(255);

/**
 * The globs policies may hold that backtrack most (globProblem admits two
 * globstars and two stars a segment), against paths an agent could send
 * to make them do so: 15 segments of 255 bytes, or 2,040 one-letter ones.
 */
const CASES: [glob: string, path: string][] = [
  ['/srv/**/a/**/b', `/srv${'/a'.repeat(2040)}`],
  [
    '/srv/**/*a*a/**/b',
    `/srv/${Array.from({ length: 15 }, () => SEGMENT).join('/')}`,
  ],
  ['/srv/*a*b', `/srv/${SEGMENT}`],
  ['**/a/**/b', `/srv${'/a'.repeat(2040)}`],
];

/**
 * The slowest match of a policy glob on a path built to backtrack: a
 * collector must not stall on one event (docs/policies.md, limits).
 */
export const globWorstGroup: BenchGroup = {
  name: 'glob-worst',
  rounds: 5,
  quickRounds: 1,
  setup() {
    return [worstCase()];
  },
};

function worstCase(): Benchmark {
  const matchers = CASES.map(([glob, path]) => ({
    match: compileGlobs([glob]),
    path,
  }));
  return {
    name: 'policy glob, hostile path',
    unit: 'ms',
    target: { of: 'value', op: '<=', bound: WORST_MATCH_MS },
    measures:
      'the slowest of four backtracking globs on paths built to make them backtrack, one match each',
    run(): Sample {
      let worst = 0;
      for (const { match, path } of matchers) {
        const started = performance.now();
        match(path);
        worst = Math.max(worst, performance.now() - started);
      }
      return { value: worst };
    },
  };
}
