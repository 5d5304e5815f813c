import { parentPort, workerData } from 'node:worker_threads';
import { VigilError } from '../../protocol/errors.js';
import { CollectorError } from '../errors.js';
import { PolicySet } from '../policy/policy-set.js';
import { openBatch, toWire, type OpeningKeys } from './open-batch.js';
import type { OpenReply, WorkerTask } from './open-pool.js';

// A worker thread of the ingest pool (open-pool.ts): opens one batch per
// message with the keys it was started with and the policies last sent,
// and answers the opened batch or the refusal's code and message, which
// are all a refusal carries.
const keys = workerData as OpeningKeys;
const port = parentPort!;
let policies: PolicySet | Error = noPolicies('none was sent yet');

port.on('message', (task: WorkerTask) => {
  if (task.kind === 'policies') {
    try {
      policies = PolicySet.fromSources(task.sources);
    } catch (error) {
      // The same sources compiled on the store's thread: this is a bug.
      policies = noPolicies(describe(error)?.message ?? '');
    }
    port.postMessage({ id: task.id, compiled: true } satisfies OpenReply);
    return;
  }
  let reply: OpenReply;
  try {
    if (policies instanceof Error) throw policies;
    const opened = openBatch(
      keys,
      task.agent,
      task.envelope,
      task.at,
      policies,
    );
    reply = { id: task.id, opened: toWire(opened) };
  } catch (error) {
    reply = { id: task.id, error: describe(error) };
  }
  port.postMessage(reply);
});

function noPolicies(why: string): Error {
  return new CollectorError(
    'VIGIL_INTERNAL',
    `ingest worker: no policies to judge by (${why})`,
  );
}

function describe(error: unknown): OpenReply['error'] {
  if (error instanceof VigilError) {
    return { code: error.code, message: error.message };
  }
  const message = error instanceof Error ? error.message : String(error);
  return { message };
}
