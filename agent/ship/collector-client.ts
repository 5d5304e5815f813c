import { Agent, request } from 'node:https';
import type { SignedReceipt } from '../../protocol/batch.js';
import type { Envelope } from '../../protocol/seal.js';
import { AgentError } from '../errors.js';
import { errorText } from './reply-text.js';

/** How long one request to the collector may take. */
const REQUEST_TIMEOUT_MS = 30_000;

/** Longest Retry-After the agent obeys; later retries follow its backoff. */
const RETRY_AFTER_MAX_MS = 60_000;

/** Largest reply read: a receipt or the designated paths are far smaller. */
const REPLY_MAX_BYTES = 4 * 1024 * 1024;

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

interface Reply {
  status: number;
  retryAfter: string | string[] | undefined;
  text: string;
}

/**
 * The agent's mTLS connection to its collector: one keep-alive pool for
 * all calls. Node's own HTTPS client, not undici: the agent runs for
 * months on vendor machines, and undici's WebAssembly parser alone costs
 * it about 20 MB of resident memory (docs/performance.md).
 */
export class CollectorClient {
  private readonly agent: Agent;

  constructor(
    private readonly base: string,
    tls: ClientTls,
  ) {
    this.agent = new Agent({
      keepAlive: true,
      ca: tls.caPem,
      cert: tls.certPem,
      key: tls.privateKeyPem,
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
    this.agent.destroy();
    return Promise.resolve();
  }

  private async call<T>(method: 'GET' | 'POST', path: string, body?: string) {
    const reply = await this.send(method, path, body);
    if (reply.status !== 200) {
      throw new CollectorRefusal(
        `${method} ${path}: HTTP ${reply.status} ${errorText(reply.text)}`,
        retryAfterMs(reply.retryAfter),
      );
    }
    try {
      return JSON.parse(reply.text) as T;
    } catch {
      throw new AgentError(
        'VIGIL_COLLECTOR_REFUSED',
        `${method} ${path}: the collector answered something that is not JSON`,
      );
    }
  }

  private send(method: string, path: string, body?: string): Promise<Reply> {
    return new Promise((resolve, reject) => {
      const req = request(
        `${this.base}${path}`,
        {
          method,
          agent: this.agent,
          timeout: REQUEST_TIMEOUT_MS,
          headers: body
            ? {
                'content-type': 'application/json',
                'content-length': Buffer.byteLength(body),
              }
            : {},
        },
        (res) => {
          const chunks: Buffer[] = [];
          let size = 0;
          res.on('data', (chunk: Buffer) => {
            size += chunk.length;
            if (size > REPLY_MAX_BYTES) {
              req.destroy(
                new Error(`reply larger than ${REPLY_MAX_BYTES} bytes`),
              );
              return;
            }
            chunks.push(chunk);
          });
          res.on('error', reject);
          res.on('end', () =>
            resolve({
              status: res.statusCode ?? 0,
              retryAfter: res.headers['retry-after'],
              text: Buffer.concat(chunks).toString('utf8'),
            }),
          );
        },
      );
      req.on('timeout', () =>
        req.destroy(new Error('the collector did not answer in time')),
      );
      req.on('error', reject);
      req.end(body);
    });
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
