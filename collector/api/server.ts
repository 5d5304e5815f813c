import Fastify from 'fastify';
import type { TLSSocket } from 'node:tls';
import type { Logger } from 'pino';
import type { CollectorIdentity } from '../data-dir.js';
import { enrollAgent, type EnrollRequest } from '../enroll.js';
import type { Ingest } from '../ingest/ingest.js';
import type { AgentRow, CollectorStore } from '../store/store.js';
import { agentOfSocket } from './client-cert.js';
import { sendError } from './errors-http.js';

/** Largest request body accepted: a full batch of large events, sealed. */
export const BODY_LIMIT_BYTES = 16 * 1024 * 1024;

export interface ServerOptions {
  identity: CollectorIdentity;
  store: CollectorStore;
  ingest: Ingest;
  logger: Logger;
  /** Globs of the policies that apply to a vendor, from the set in force. */
  designated: (vendor: string) => string[];
}

declare module 'fastify' {
  interface FastifyRequest {
    agent?: AgentRow;
  }
}

const ENROLL_BODY = {
  type: 'object',
  additionalProperties: false,
  required: ['token', 'csr', 'host'],
  properties: {
    token: { type: 'string', minLength: 1, maxLength: 256 },
    csr: { type: 'string', minLength: 1, maxLength: 16384 },
    host: { type: 'string', maxLength: 255 },
  },
} as const;

/**
 * The collector's HTTPS API. TLS asks every client for a certificate but
 * lets the handshake finish without one, so that enrollment works; every
 * agent route then refuses a missing, unknown or revoked certificate in
 * `onRequest`, before the body is read.
 */
export function buildServer(options: ServerOptions) {
  const { identity, store, ingest } = options;
  const app = Fastify({
    loggerInstance: options.logger,
    bodyLimit: BODY_LIMIT_BYTES,
    https: {
      key: identity.tls.privateKeyPem,
      cert: identity.tls.certPem,
      ca: identity.ca.certPem,
      requestCert: true,
      rejectUnauthorized: false,
    },
  });
  app.setErrorHandler((error, request, reply) =>
    sendError(request, reply, error),
  );
  app.setNotFoundHandler((request, reply) =>
    reply.code(404).send({
      error: {
        code: 'VIGIL_NOT_FOUND',
        message: `no route ${request.method} ${request.routeOptions.url ?? 'here'}`,
      },
    }),
  );

  app.get('/healthz', async () => ({ status: 'ok' }));
  app.get('/v1/ca', async (_request, reply) =>
    reply.type('application/x-pem-file').send(identity.ca.certPem),
  );
  app.post<{ Body: EnrollRequest }>(
    '/v1/enroll',
    { schema: { body: ENROLL_BODY } },
    async (request) => {
      const response = enrollAgent(store, identity, request.body);
      request.log.info(
        { agent: response.agentId, vendor: response.vendor },
        'agent enrolled',
      );
      return response;
    },
  );

  app.register(async (agents) => {
    agents.addHook('onRequest', async (request) => {
      request.agent = agentOfSocket(request.raw.socket as TLSSocket, store);
    });
    agents.post('/v1/batches', async (request) => {
      const agent = request.agent!;
      const result = ingest.accept(agent, request.body);
      request.log.info(
        {
          agent: agent.id,
          seq: result.receipt.receipt.seq,
          events: result.events,
          violations: result.violations,
          duplicate: result.duplicate,
        },
        'batch accepted',
      );
      return result.receipt;
    });
    // The designated paths for this agent's vendor (DESIGN section 5).
    agents.get('/v1/designated', async (request) => ({
      paths: options.designated(request.agent!.vendor),
    }));
  });
  return app;
}
