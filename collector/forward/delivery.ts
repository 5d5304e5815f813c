import { setTimeout as sleep } from 'node:timers/promises';
import type { SendResult, Sink } from './sink.js';

/** First retry delay; each later one doubles, up to RETRY_MAX_MS. */
export const RETRY_BASE_MS = 500;
/** Longest delay between two tries of one page. */
export const RETRY_MAX_MS = 30_000;

/** One formatted record: its stable id and its JSON line. */
export interface Line {
  id: string;
  text: string;
}

/** What delivery tells the forwarder, for its log and metrics. */
export interface DeliveryEvents {
  failed(
    failure: Extract<SendResult, { outcome: 'retry' }>,
    attempt: number,
    delayMs: number,
  ): void;
  recovered(attempts: number): void;
  deadLettered(line: Line, reason: string): void;
}

export interface DeliveryOptions {
  sink: Sink;
  /** Where a record the receiver refuses on its own is kept. */
  deadLetter: Sink;
  events: DeliveryEvents;
  retry?: { baseMs?: number; maxMs?: number };
}

/**
 * Delivers a page at least once. A page that fails is sent again after a
 * capped exponential backoff with jitter, or after the receiver's
 * Retry-After. A page the receiver refuses for its content is split in
 * halves until the refused records stand alone; each of those goes to the
 * dead-letter file, so one bad record neither blocks the rest nor is lost.
 */
export class Delivery {
  private readonly baseMs: number;
  private readonly maxMs: number;

  constructor(private readonly options: DeliveryOptions) {
    this.baseMs = options.retry?.baseMs ?? RETRY_BASE_MS;
    this.maxMs = options.retry?.maxMs ?? RETRY_MAX_MS;
  }

  /** Resolves once every line is acknowledged or dead-lettered. */
  async deliver(lines: readonly Line[], signal: AbortSignal): Promise<void> {
    const result = await this.untilAnswered(this.options.sink, lines, signal);
    if (result.outcome === 'ok') return;
    if (lines.length === 1) {
      await this.untilAnswered(this.options.deadLetter, lines, signal);
      this.options.events.deadLettered(lines[0]!, result.reason);
      return;
    }
    const half = Math.ceil(lines.length / 2);
    await this.deliver(lines.slice(0, half), signal);
    await this.deliver(lines.slice(half), signal);
  }

  /** Sends until the sink says ok or refused; throws only when aborted. */
  private async untilAnswered(
    sink: Sink,
    lines: readonly Line[],
    signal: AbortSignal,
  ): Promise<Exclude<SendResult, { outcome: 'retry' }>> {
    const texts = lines.map((line) => line.text);
    for (let attempt = 0; ; attempt++) {
      signal.throwIfAborted();
      const result = await sink.send(texts, signal);
      if (result.outcome !== 'retry') {
        if (attempt > 0) this.options.events.recovered(attempt);
        return result;
      }
      const delayMs = result.retryAfterMs ?? this.backoffMs(attempt);
      this.options.events.failed(result, attempt, delayMs);
      await sleep(delayMs, undefined, { signal });
    }
  }

  // Equal jitter: half of the doubled delay is fixed, half is random, so
  // collectors restarted together do not retry in step.
  backoffMs(attempt: number): number {
    const ceiling = Math.min(
      this.maxMs,
      this.baseMs * 2 ** Math.min(attempt, 30),
    );
    return Math.round(ceiling / 2 + Math.random() * (ceiling / 2));
  }
}
