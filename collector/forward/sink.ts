import type { ForwardErrorCode } from './errors.js';

/**
 * What a sink said to one send:
 * - `ok`: every line is stored on the other side (2xx, or written and
 *   fsynced);
 * - `retry`: nothing is known to be stored; send the same lines again
 *   later, after `retryAfterMs` when the receiver named a time;
 * - `refused`: the receiver will not take these lines as they are (an HTTP
 *   4xx about the content); sending them again unchanged cannot help.
 */
export type SendResult =
  | { outcome: 'ok' }
  | {
      outcome: 'retry';
      code: Extract<
        ForwardErrorCode,
        'VIGIL_FORWARD_FAILED' | 'VIGIL_FORWARD_REFUSED'
      >;
      /** Names the status or errno, never a record or a header. */
      reason: string;
      retryAfterMs?: number;
    }
  | { outcome: 'refused'; reason: string };

/** Where forwarded records go: a file or an HTTP endpoint. */
export interface Sink {
  /** Names the sink in metrics, logs and its cursor file: file or http. */
  readonly name: string;
  /** Where it writes, for the log: a path, or a URL without its query. */
  readonly target: string;
  /** Sends newline-delimited JSON; never throws unless `signal` aborts. */
  send(lines: readonly string[], signal: AbortSignal): Promise<SendResult>;
  close(): Promise<void>;
}
