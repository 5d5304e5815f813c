import { Agent, request } from 'undici';
import type { HttpSinkConfig } from './forward-config.js';
import type { SendResult, Sink } from './sink.js';

/** How long one POST may wait for the answer's headers, and its body. */
const REQUEST_TIMEOUT_MS = 30_000;

/** Longest Retry-After obeyed; a later one falls back to the backoff. */
export const RETRY_AFTER_MAX_MS = 5 * 60_000;

/**
 * Answers that say the endpoint itself is wrong (moved, needs another
 * token, another path or another content type): nothing is wrong with
 * the records, so they are kept and sent again until someone fixes it.
 */
const ENDPOINT_REFUSALS = new Set([401, 403, 404, 405, 407, 415]);

/**
 * POSTs each page as newline-delimited JSON (`application/x-ndjson`),
 * with a bearer token when one is configured and the given CAs for https.
 */
export class HttpSink implements Sink {
  readonly name = 'http';
  readonly target: string;
  private readonly dispatcher: Agent;
  private readonly headers: Record<string, string>;

  constructor(private readonly config: HttpSinkConfig) {
    // The query may hold a key (some receivers take one there): not logged.
    this.target = `${config.url.origin}${config.url.pathname}`;
    this.dispatcher = new Agent({
      connect: config.ca ? { ca: config.ca } : {},
      headersTimeout: REQUEST_TIMEOUT_MS,
      bodyTimeout: REQUEST_TIMEOUT_MS,
    });
    this.headers = {
      'content-type': 'application/x-ndjson',
      ...(config.token ? { authorization: `Bearer ${config.token}` } : {}),
    };
  }

  async send(
    lines: readonly string[],
    signal: AbortSignal,
  ): Promise<SendResult> {
    let status: number;
    let retryAfter: string | string[] | undefined;
    try {
      const res = await request(this.config.url, {
        method: 'POST',
        dispatcher: this.dispatcher,
        headers: this.headers,
        body: `${lines.join('\n')}\n`,
        signal,
      });
      status = res.statusCode;
      retryAfter = res.headers['retry-after'];
      await res.body.dump();
    } catch (error) {
      if (signal.aborted) throw error;
      return {
        outcome: 'retry',
        code: 'VIGIL_FORWARD_FAILED',
        reason: `POST ${this.target}: ${errorCode(error)}`,
      };
    }
    return judge(status, retryAfter, this.target);
  }

  close(): Promise<void> {
    return this.dispatcher.close();
  }
}

/** What an answer means for the page (see SendResult). */
export function judge(
  status: number,
  retryAfter: string | string[] | undefined,
  target: string,
): SendResult {
  const reason = `POST ${target}: HTTP ${status}`;
  if (status >= 200 && status < 300) return { outcome: 'ok' };
  const after = retryAfterMs(retryAfter);
  const wait = after === undefined ? {} : { retryAfterMs: after };
  if (status === 408 || status === 429 || status >= 500) {
    return { outcome: 'retry', code: 'VIGIL_FORWARD_FAILED', reason, ...wait };
  }
  if (status < 400 || ENDPOINT_REFUSALS.has(status)) {
    return { outcome: 'retry', code: 'VIGIL_FORWARD_REFUSED', reason, ...wait };
  }
  return { outcome: 'refused', reason };
}

// Retry-After is delay-seconds or an HTTP date (RFC 9110 section 10.2.3).
function retryAfterMs(header: string | string[] | undefined) {
  const value = (Array.isArray(header) ? header[0] : header)?.trim();
  if (!value) return undefined;
  const ms = /^\d+$/.test(value)
    ? Number(value) * 1000
    : Date.parse(value) - Date.now();
  if (!Number.isFinite(ms)) return undefined;
  return Math.min(Math.max(ms, 0), RETRY_AFTER_MAX_MS);
}

// undici and TLS errors carry a code (ECONNREFUSED, UND_ERR_…,
// UNABLE_TO_VERIFY_LEAF_SIGNATURE); their messages are not logged.
function errorCode(error: unknown): string {
  const { code, cause } = error as {
    code?: unknown;
    cause?: { code?: unknown };
  };
  if (typeof cause?.code === 'string') return cause.code;
  return typeof code === 'string' ? code : 'request failed';
}
