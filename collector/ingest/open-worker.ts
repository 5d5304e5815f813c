import { parentPort, workerData } from 'node:worker_threads';
import { VigilError } from '../../protocol/errors.js';
import { openBatch, toWire, type OpeningKeys } from './open-batch.js';
import type { OpenReply, OpenTask } from './open-pool.js';

// A worker thread of the ingest pool (open-pool.ts): opens one batch per
// message with the keys it was started with, and answers the opened batch
// or the refusal's code and message, which are all a refusal carries.
const keys = workerData as OpeningKeys;
const port = parentPort!;

port.on('message', (task: OpenTask) => {
  let reply: OpenReply;
  try {
    const opened = openBatch(keys, task.agent, task.envelope, task.at);
    reply = { id: task.id, opened: toWire(opened) };
  } catch (error) {
    reply = { id: task.id, error: describe(error) };
  }
  port.postMessage(reply);
});

function describe(error: unknown): OpenReply['error'] {
  if (error instanceof VigilError) {
    return { code: error.code, message: error.message };
  }
  const message = error instanceof Error ? error.message : String(error);
  return { message };
}
