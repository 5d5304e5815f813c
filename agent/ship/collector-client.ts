import { Agent, request } from 'undici';
import type { SignedReceipt } from '../../protocol/batch.js';
import type { Envelope } from '../../protocol/seal.js';
import { errorText } from '../enroll.js';
import { AgentError } from '../errors.js';

/** How long one request to the collector may take. */
const REQUEST_TIMEOUT_MS = 30_000;

/** Longest Retry-After the agent obeys; later retries follow its backoff. */
const RETRY_AFTER_MAX_MS = 60_000;

/** The collector answered an error; it may have said when to retry. */
export class CollectorRefusal extends AgentError {
  constructor(
    message: string,
    /** From the reply's Retry-After header, capped; undefined without one. */
    readonly retryAfterMs: number | undefined,
  ) {
    super('VIGIL_COLLECTOR_REFUSED', message);
  }
}

export interface ClientTls {
  certPem: string;
  privateKeyPem: string;
  caPem: string;
}

/** The agent's mTLS connection to its collector: one pool for all calls. */
export class CollectorClient {
  private readonly dispatcher: Agent;

  constructor(
    private readonly base: string,
    tls: ClientTls,
  ) {
    this.dispatcher = new Agent({
      connect: { ca: tls.caPem, cert: tls.certPem, key: tls.privateKeyPem },
    });
  }

  postBatch(envelope: Envelope): Promise<SignedReceipt> {
    return this.call('POST', '/v1/batches', JSON.stringify(envelope));
  }

  async designatedPaths(): Promise<string[]> {
    const body = await this.call<{ paths?: unknown }>('GET', '/v1/designated');
    const paths = Array.isArray(body.paths) ? body.paths : [];
    return paths.filter((p): p is string => typeof p === 'string');
  }

  close(): Promise<void> {
    return this.dispatcher.close();
  }

  private async call<T>(method: 'GET' | 'POST', path: string, body?: string) {
    const res = await request(`${this.base}${path}`, {
      method,
      dispatcher: this.dispatcher,
      headers: body ? { 'content-type': 'application/json' } : {},
      ...(body ? { body } : {}),
      headersTimeout: REQUEST_TIMEOUT_MS,
      bodyTimeout: REQUEST_TIMEOUT_MS,
    });
    const text = await res.body.text();
    if (res.statusCode !== 200) {
      throw new CollectorRefusal(
        `${method} ${path}: HTTP ${res.statusCode} ${errorText(text)}`,
        retryAfterMs(res.headers['retry-after']),
      );
    }
    try {
      return JSON.parse(text) as T;
    } catch {
      throw new AgentError(
        'VIGIL_COLLECTOR_REFUSED',
        `${method} ${path}: the collector answered something that is not JSON`,
      );
    }
  }
}

// Retry-After is delay-seconds or an HTTP date (RFC 9110 section 10.2.3).
function retryAfterMs(header: string | string[] | undefined) {
  const value = Array.isArray(header) ? header[0] : header;
  if (!value) return undefined;
  const ms = /^\d+$/.test(value.trim())
    ? Number(value) * 1000
    : Date.parse(value) - Date.now();
  if (!Number.isFinite(ms)) return undefined;
  return Math.min(Math.max(ms, 0), RETRY_AFTER_MAX_MS);
}
