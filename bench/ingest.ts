import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { BenchGroup, Benchmark } from './harness.js';
import { IngestRig, type IngestRound } from './ingest-rig.js';
import { rawInsertRate, storedRows } from './raw-insert.js';

const AGENTS = 4;
const POLICIES = 50;
/** Default batching (agent/ship/batcher.ts BATCH_MAX_EVENTS). */
const BATCH_EVENTS = 500;
/** Batches per agent and round: 4 x 100 x 500 = 200,000 events a round. */
const BATCHES = 100;
const BATCHES_QUICK = 10;
/** DESIGN section 10. */
const GOAL_RATIO = 0.5;
const GOAL_RAW_ROWS_PER_S = 100_000;

let rig: IngestRig | undefined;

/**
 * Collector ingest through the real path, and the raw SQLite insert rate
 * of the very rows it stored that round, measured right after.
 */
export const ingestGroup: BenchGroup = {
  name: 'ingest',
  rounds: 3,
  quickRounds: 1,
  async setup({ quick, scratch }) {
    const dir = join(scratch, 'ingest');
    mkdirSync(dir);
    const started = await IngestRig.start(dir, AGENTS, POLICIES);
    rig = started;
    const batches = quick ? BATCHES_QUICK : BATCHES;
    let last: { round: number; raw: number } | undefined;
    const raw = (round: number, measured: IngestRound) => {
      if (last?.round !== round) {
        const rows = storedRows(started.dataDir, measured.ranges);
        last = { round, raw: rawInsertRate(join(dir, 'raw.db'), rows) };
      }
      return last.raw;
    };
    let current: { round: number; measured: IngestRound } | undefined;
    const measure = async (round: number) => {
      if (current?.round !== round) {
        const measured = await started.round(AGENTS, batches, BATCH_EVENTS);
        current = { round, measured };
      }
      return current.measured;
    };
    const ingest: Benchmark = {
      name: 'ingest',
      unit: 'events/s',
      target: { of: 'ratio', op: '>=', bound: GOAL_RATIO },
      measures: `${AGENTS} agents in their own processes post pre-sealed batches of ${BATCH_EVENTS} events over mTLS to serveCollector (unwrap, decrypt, verify, schema, chain, store, ${POLICIES} policies, receipt); events stored / wall time`,
      reference:
        'raw SQLite insert of the same rows, one prepared statement, one transaction, fresh store file',
      async run(round) {
        const measured = await measure(round);
        const value = measured.events / measured.seconds;
        return { value, reference: raw(round, measured) };
      },
    };
    const rawFigure: Benchmark = {
      name: 'raw SQLite insert',
      unit: 'rows/s',
      target: { of: 'value', op: '>=', bound: GOAL_RAW_ROWS_PER_S },
      measures:
        "the rows ingest stored this round, inserted into a fresh file made by the store's migrations (WAL, synchronous FULL), one transaction",
      async run(round) {
        return { value: raw(round, await measure(round)) };
      },
    };
    return [ingest, rawFigure];
  },
  async teardown() {
    await rig?.close();
    rig = undefined;
  },
};
