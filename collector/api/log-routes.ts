import type { FastifyInstance } from 'fastify';
import type { CollectorIdentity } from '../data-dir.js';
import type { CollectorStore } from '../store/store.js';
import { TransparencyLog } from '../tlog/transparency-log.js';
import { personHook } from './person-auth.js';

/** What GET /v1/log/checkpoint answers. */
export interface LogCheckpointReply {
  /** The latest signed checkpoint, a C2SP signed note. */
  checkpoint: string;
  /** The verifier key that signs it. */
  logKey: string;
}

/**
 * The transparency log for people (issue 7): the latest signed checkpoint,
 * so an auditor or a witness can keep a copy at any time.
 */
export function logRoutes(store: CollectorStore, identity: CollectorIdentity) {
  const log = new TransparencyLog(store, identity.log);
  return async (app: FastifyInstance): Promise<void> => {
    app.addHook('onRequest', personHook(store));
    app.get(
      '/v1/log/checkpoint',
      { config: { permission: 'log.read' } },
      async (): Promise<LogCheckpointReply> => ({
        checkpoint: log.latest(),
        logKey: identity.log.verifierKey,
      }),
    );
  };
}
