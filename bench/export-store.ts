import { performance } from 'node:perf_hooks';
import { IngestRig } from './ingest-rig.js';

/** Events per batch when filling a store: the largest batch size measured. */
const FILL_BATCH = 2_000;
const AGENTS = 2;
const POLICIES = 10;
/** Events sealed ahead per fill step, bounding the workers' memory. */
const STEP_EVENTS = 200_000;

/**
 * A collector data dir (`dir`/collector) holding at least `events` events
 * of two agents, taken in through the real ingest path (IngestRig): each
 * agent seals its batches in its own process while the collector stores
 * the previous ones. A direct path in one process, through Ingest.accept,
 * was slower here (every event is canonicalized five times on one core).
 * Returns the data dir and the seconds the fill took.
 */
export async function fillStore(dir: string, events: number) {
  const start = performance.now();
  const rig = await IngestRig.start(dir, AGENTS, POLICIES);
  try {
    for (let done = 0; done < events; done += STEP_EVENTS) {
      const step = Math.min(STEP_EVENTS, events - done);
      const batches = Math.ceil(step / AGENTS / FILL_BATCH);
      await rig.round(AGENTS, batches, FILL_BATCH);
    }
  } finally {
    await rig.close();
  }
  return { dataDir: rig.dataDir, seconds: (performance.now() - start) / 1000 };
}
