import type { Logger } from 'pino';
import type { Checkpoint } from '../../protocol/batch.js';
import type { AccessEvent } from '../../protocol/event.js';
import type { Ingest, IngestResult } from '../ingest/ingest.js';
import type { AgentRow, CollectorStore } from '../store/store.js';
import type { BatchSeen } from './watchdog.js';

/** What the API needs of ingest: one sealed batch in, a receipt out. */
export type BatchAcceptor = Pick<Ingest, 'submit'>;

/**
 * Wraps ingest so that `onBatch` sees each batch once it has committed,
 * read back from the store. An observer failure is logged, never turned
 * into a refusal: the batch is stored and its receipt must go out.
 */
export function observeBatches(
  ingest: BatchAcceptor,
  store: CollectorStore,
  onBatch: (batch: BatchSeen) => void,
  logger: Logger,
): BatchAcceptor {
  return {
    async submit(agent: AgentRow, envelope: unknown): Promise<IngestResult> {
      const result = await ingest.submit(agent, envelope);
      if (result.duplicate) return result;
      try {
        const seen = readBatch(store, agent.id, result.receipt.receipt.seq);
        if (seen) onBatch(seen);
      } catch (error) {
        logger.error(
          { err: error, agent: agent.id },
          'watchdog could not judge a stored batch',
        );
      }
      return result;
    },
  };
}

function readBatch(
  store: CollectorStore,
  agent: string,
  lastSeq: number,
): BatchSeen | undefined {
  const row = store.getBatch(agent, lastSeq);
  if (!row) return undefined;
  const checkpoint = JSON.parse(row.checkpoint) as Checkpoint;
  const metaEvents = store
    .metaEventsIn(agent, row.first_seq, row.last_seq)
    .map((e) => JSON.parse(e.canonical) as AccessEvent)
    .filter((e) => e.source === 'agent');
  return {
    agent,
    seq: row.last_seq,
    checkpointTime: checkpoint.time,
    receivedAt: row.received_at,
    metaEvents,
  };
}
