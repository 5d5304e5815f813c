import { setTimeout as sleep } from 'node:timers/promises';
import type { Logger } from 'pino';
import type { CursorStore, ForwardCursor } from './cursor-store.js';
import { Delivery, type Line } from './delivery.js';
import type { ForwardMetrics } from './forward-metrics.js';
import type { ForwardItem, ForwardReader, Page } from './reader.js';
import type { Sink } from './sink.js';

/** How often an idle forwarder looks for new records. */
export const FORWARD_POLL_MS = 500;

export interface ForwarderOptions {
  reader: ForwardReader;
  sink: Sink;
  deadLetter: Sink;
  cursors: CursorStore;
  /** Turns one record into the JSON object the sink receives. */
  format: (item: ForwardItem) => Record<string, unknown>;
  metrics: ForwardMetrics;
  /** A child logger for this sink. */
  logger: Logger;
  retry?: { baseMs?: number; maxMs?: number };
  pollMs?: number;
}

/**
 * Forwards every event and violation of the store to one sink, beside
 * ingest: reads a page after the sink's cursor, delivers it, then saves
 * the cursor. A crash between delivery and save sends the page again on
 * restart (same ids); nothing is skipped.
 */
export class Forwarder {
  private cursor: ForwardCursor;
  private readonly abort = new AbortController();
  private readonly delivery: Delivery;
  private running: Promise<void> | undefined;

  constructor(private readonly options: ForwarderOptions) {
    const { cursor, problem } = options.cursors.load();
    if (problem) {
      options.logger.error(
        { code: 'VIGIL_FORWARD_CURSOR_INVALID', file: options.cursors.file },
        `forwarding cursor ${problem}; sending everything again from the start`,
      );
    }
    this.cursor = cursor;
    this.delivery = new Delivery({
      sink: options.sink,
      deadLetter: options.deadLetter,
      retry: options.retry,
      events: this.deliveryEvents(),
    });
  }

  get name(): string {
    return this.options.sink.name;
  }

  /** Records the sink has not acknowledged yet. */
  pending(): number {
    return this.options.reader.pending(this.cursor);
  }

  start(): void {
    const { sink, logger } = this.options;
    logger.info(
      { target: sink.target, cursor: this.cursor },
      'forwarding started',
    );
    this.running = this.loop();
  }

  /** Stops at once; a page in flight is sent again after the restart. */
  async stop(): Promise<void> {
    this.abort.abort();
    await this.running;
    await this.options.sink.close();
  }

  private async loop(): Promise<void> {
    const { signal } = this.abort;
    let failures = 0;
    while (!signal.aborted) {
      try {
        const events = await this.pass((c) => this.options.reader.events(c));
        const violations = await this.pass((c) =>
          this.options.reader.violations(c),
        );
        failures = 0;
        if (!events && !violations) await this.idle(this.options.pollMs);
      } catch (error) {
        if (signal.aborted) break;
        // Not the sink (delivery retries those): the store or the cursor
        // file. Wait as after a failed send, then read again. Only the
        // errno or error name is logged: a parser's message quotes input.
        const reason =
          (error as NodeJS.ErrnoException).code ?? (error as Error).name;
        this.options.logger.error(
          { code: 'VIGIL_FORWARD_FAILED', reason },
          'forwarding failed; retrying',
        );
        this.options.metrics.failures.inc({
          sink: this.name,
          code: 'VIGIL_FORWARD_FAILED',
        });
        await this.idle(this.delivery.backoffMs(failures++));
      }
    }
  }

  /** Delivers one page; false when there was nothing to send. */
  private async pass(read: (cursor: ForwardCursor) => Page): Promise<boolean> {
    const page = read(this.cursor);
    if (page.items.length === 0) return false;
    const lines: Line[] = page.items.map((item) => ({
      id: item.id,
      text: JSON.stringify(this.options.format(item)),
    }));
    await this.delivery.deliver(lines, this.abort.signal);
    await this.options.cursors.save(page.cursor);
    this.cursor = page.cursor;
    this.options.metrics.forwarded.inc({ sink: this.name }, lines.length);
    return true;
  }

  private async idle(ms = FORWARD_POLL_MS): Promise<void> {
    await sleep(ms, undefined, { signal: this.abort.signal }).catch(() => {});
  }

  private deliveryEvents() {
    const { logger, metrics } = this.options;
    const sink = this.name;
    return {
      failed: (
        failure: { code: string; reason: string },
        attempt: number,
        delayMs: number,
      ) => {
        metrics.failures.inc({ sink, code: failure.code });
        logger.warn(
          {
            code: failure.code,
            reason: failure.reason,
            attempt,
            retryInMs: delayMs,
          },
          'forwarding failed; retrying',
        );
      },
      recovered: (attempts: number) => {
        logger.info({ attempts }, 'forwarding resumed');
      },
      deadLettered: (line: Line, reason: string) => {
        metrics.deadLetters.inc({ sink });
        logger.error(
          {
            code: 'VIGIL_FORWARD_DEAD_LETTER',
            id: line.id,
            reason,
            file: this.options.deadLetter.target,
          },
          'the receiver refused a record; kept in the dead-letter file',
        );
      },
    };
  }
}
