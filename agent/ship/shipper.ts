import type { Logger } from 'pino';
import { verifyReceipt } from '../../protocol/batch.js';
import { ProtocolError } from '../../protocol/errors.js';
import { verifyReceiptLog } from '../../protocol/receipt-log.js';
import type { VerifierKey } from '../../protocol/signed-note.js';
import type { Spool, SpooledEnvelope } from '../spool/spool.js';
import { CollectorRefusal, type CollectorClient } from './collector-client.js';

/** First retry delay after a failed send; doubles up to the maximum. */
export const SHIP_BACKOFF_MIN_MS = 500;
export const SHIP_BACKOFF_MAX_MS = 30_000;

export interface ShipperOptions {
  client: CollectorClient;
  spool: Spool;
  agentId: string;
  signingCertPem: string;
  /** The collector's log key; null for state enrolled before the log. */
  logKey: VerifierKey | null;
  logger: Logger;
  /** Called each time the shipper finds the spool empty. */
  onDrained?: () => void;
}

/**
 * Sends spooled envelopes in order over mTLS and deletes each only after the
 * collector's signed receipt for exactly that batch was verified.
 */
export class Shipper {
  private running = false;
  private wakeUp: (() => void) | undefined;
  private loop: Promise<void> | undefined;
  private failures = 0;

  constructor(private readonly options: ShipperOptions) {}

  start(): void {
    this.running = true;
    this.loop = this.run();
  }

  /** Tells an idle shipper that the spool has something new. */
  wake(): void {
    // While backing off after failures, new batches must not shorten the wait.
    if (this.failures === 0) this.wakeUp?.();
  }

  /** Sends what it can within `drainMs`, then stops. */
  async stop(drainMs = 0): Promise<void> {
    const deadline = Date.now() + drainMs;
    while (
      drainMs > 0 &&
      Date.now() < deadline &&
      this.options.spool.oldest() &&
      this.failures === 0
    ) {
      await sleep(50);
    }
    this.running = false;
    this.wakeUp?.();
    await this.loop;
  }

  private async run(): Promise<void> {
    while (this.running) {
      const item = this.options.spool.oldest();
      if (!item) {
        this.options.onDrained?.();
        await this.idle(SHIP_BACKOFF_MAX_MS);
        continue;
      }
      try {
        await this.send(item);
        this.failures = 0;
      } catch (error) {
        this.failures += 1;
        const delay = retryDelay(this.failures, error);
        this.options.logger.warn(
          { err: error, first: item.first, last: item.last, retryInMs: delay },
          'batch not delivered; will retry',
        );
        await this.idle(delay);
      }
    }
  }

  private async send(item: SpooledEnvelope): Promise<void> {
    const signed = await this.options.client.postBatch(item.envelope);
    const receipt = verifyReceipt(signed, this.options.signingCertPem);
    if (
      receipt.agent !== this.options.agentId ||
      receipt.seq !== item.last ||
      receipt.head !== item.head
    ) {
      throw new ProtocolError(
        'VIGIL_RECEIPT_INVALID',
        `receipt names ${receipt.agent} seq ${receipt.seq}, not this batch (seq ${item.last})`,
      );
    }
    if (this.options.logKey && item.leafHash) {
      verifyReceiptLog(
        signed.log,
        Buffer.from(item.leafHash, 'hex'),
        this.options.logKey,
      );
    }
    this.options.spool.acknowledge(item, signed);
    this.options.logger.debug({ seq: item.last }, 'batch acknowledged');
  }

  private idle(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.wakeUp = undefined;
        resolve();
      };
      const timer = setTimeout(done, ms);
      this.wakeUp = done;
    });
  }
}

// A collector that says when to come back (503 Retry-After) is not asked
// sooner; the backoff still grows so a long outage is not hammered.
function retryDelay(failures: number, error: unknown): number {
  const asked = error instanceof CollectorRefusal ? error.retryAfterMs : 0;
  return Math.max(backoff(failures), asked ?? 0);
}

/** Exponential backoff with full jitter, so many agents do not retry in step. */
function backoff(failures: number): number {
  const ceiling = Math.min(
    SHIP_BACKOFF_MAX_MS,
    SHIP_BACKOFF_MIN_MS * 2 ** (failures - 1),
  );
  return Math.round(ceiling / 2 + Math.random() * (ceiling / 2));
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
