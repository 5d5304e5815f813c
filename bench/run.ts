import { cpus } from 'node:os';
import { formatPolicyEvalTable, runPolicyEvalBench } from './policy-eval.js';

/**
 * `npm run bench`: every benchmark, with the machine line. Benchmarks
 * report ratios to references measured in the same run; tests never assert
 * timings. The ingest, parsing, sealing, latency, footprint and export
 * figures of DESIGN section 10 are still to be added here (issue 8).
 */
console.log(
  `machine: ${cpus()[0]?.model ?? 'unknown CPU'} x${cpus().length}, Node ${process.version}`,
);
console.log('\npolicy evaluation (one core)');
console.log(formatPolicyEvalTable(runPolicyEvalBench()));
