import Fastify, { type FastifyInstance, type FastifyRequest } from 'fastify';
import type { TLSSocket } from 'node:tls';
import type { Logger } from 'pino';
import type { CollectorIdentity } from '../data-dir.js';
import { enrollAgent, type EnrollRequest } from '../enroll.js';
import { METRICS_CONTENT_TYPE } from '../ops/metrics-registry.js';
import type { CollectorMetrics } from '../ops/collector-metrics.js';
import type { AgentState } from '../people/agent-view.js';
import type { AgentRow, CollectorStore } from '../store/store.js';
import type { BatchAcceptor } from '../watchdog/batch-observer.js';
import { adminRoutes } from './admin-routes.js';
import { agentOfSocket } from './client-cert.js';
import { sendClientError, sendError, toErrorBody } from './errors-http.js';
import { RefusalRecorder } from './refusals.js';
import { violationRoutes } from './violation-routes.js';
import { logRoutes } from './log-routes.js';

/** Largest request body accepted: a full batch of large events, sealed. */
export const BODY_LIMIT_BYTES = 16 * 1024 * 1024;

export interface ServerOptions {
  identity: CollectorIdentity;
  store: CollectorStore;
  ingest: BatchAcceptor;
  logger: Logger;
  /** Globs of the policies that apply to a vendor, from the set in force. */
  designated: (vendor: string) => string[];
  metrics: CollectorMetrics;
  /** ok, silent or revoked, as the watchdog judges it now. */
  agentState: (agent: AgentRow) => AgentState;
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
 * lets the handshake finish without one, so that enrollment and the
 * people's API (bearer tokens) work; every agent route then refuses a
 * missing, unknown or revoked certificate in `onRequest`, before the body
 * is read, and a refused agent is written to the audit log.
 */
export function buildServer(options: ServerOptions) {
  const { identity, store, metrics } = options;
  const app = Fastify({
    loggerInstance: options.logger,
    bodyLimit: BODY_LIMIT_BYTES,
    // Requests Node's HTTP parser refuses still get a stable code.
    clientErrorHandler: sendClientError,
    https: {
      key: identity.tls.privateKeyPem,
      cert: identity.tls.certPem,
      ca: identity.ca.certPem,
      requestCert: true,
      rejectUnauthorized: false,
    },
  });
  app.setErrorHandler((error, request, reply) => {
    const { code } = toErrorBody(error).body.error;
    metrics.refused.inc({ code });
    if (request.routeOptions.url === '/v1/batches') {
      metrics.rejected.inc({ code });
    }
    return sendError(request, reply, error);
  });
  app.setNotFoundHandler((request, reply) =>
    reply.code(404).send({
      error: {
        code: 'VIGIL_NOT_FOUND',
        message: `no route ${request.method} ${request.routeOptions.url ?? 'here'}`,
      },
    }),
  );

  app.get('/healthz', async () => {
    store.ping();
    return { status: 'ok' };
  });
  app.get('/metrics', async (_request, reply) =>
    reply.type(METRICS_CONTENT_TYPE).send(metrics.render()),
  );
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
  app.register(agentRoutes(options));
  app.register(violationRoutes(store));
  app.register(logRoutes(store, options.identity));
  app.register(adminRoutes({ store, agentState: options.agentState }));
  return app;
}

/** Routes for enrolled agents: mutual TLS, checked before the body. */
function agentRoutes(options: ServerOptions) {
  const { store, ingest, metrics } = options;
  const refusals = new RefusalRecorder(store);
  return async (agents: FastifyInstance): Promise<void> => {
    agents.addHook('onRequest', async (request, reply) => {
      const socket = request.raw.socket as TLSSocket;
      try {
        request.agent = agentOfSocket(socket, store);
      } catch (error) {
        recordRefusal(refusals, error, socket, request);
        throw error;
      }
      request.log = request.log.child({ agent: request.agent.id });
      reply.log = request.log;
    });
    agents.post('/v1/batches', async (request) => {
      const started = process.hrtime.bigint();
      const result = await ingest.submit(request.agent!, request.body);
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      metrics.batchAccepted(result, seconds);
      request.log.info(
        {
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
  };
}

// The refusal stands even when the audit log cannot be written.
function recordRefusal(
  refusals: RefusalRecorder,
  error: unknown,
  socket: TLSSocket,
  request: FastifyRequest,
): void {
  try {
    refusals.record(error, socket, request.url);
  } catch (failure) {
    request.log.error({ err: failure }, 'could not record a refused agent');
  }
}
