import { hashEvent } from '../../protocol/chain.js';
import type {
  AccessEvent,
  AgentRef,
  CapturedEvent,
} from '../../protocol/event.js';
import { buildBatch } from '../../protocol/batch.js';
import { sealBatch } from '../../protocol/seal.js';
import type { Spool } from '../spool/spool.js';

/** Close a batch at this many events (DESIGN section 3: `max_events`). */
export const BATCH_MAX_EVENTS = 500;
/** …or when its oldest event has waited this long (`max_wait`). */
export const BATCH_MAX_WAIT_MS = 1_000;

export interface BatcherOptions {
  spool: Spool;
  agent: AgentRef;
  privateKeyPem: string;
  sealingCertPem: string;
  maxEvents?: number;
  maxWaitMs?: number;
  /** Called after every sealed batch reached the spool. */
  onSealed?: () => void;
}

/**
 * Turns captured events into chained, signed, sealed batches in the spool.
 * Sequence numbers are assigned when a batch is sealed, in the same spool
 * transaction that moves the chain head, so a crash never leaves a gap.
 */
export class Batcher {
  private pending: CapturedEvent[] = [];
  private timer: NodeJS.Timeout | undefined;
  private readonly maxEvents: number;
  private readonly maxWaitMs: number;

  constructor(private readonly options: BatcherOptions) {
    this.maxEvents = options.maxEvents ?? BATCH_MAX_EVENTS;
    this.maxWaitMs = options.maxWaitMs ?? BATCH_MAX_WAIT_MS;
  }

  push(event: CapturedEvent): void {
    this.pending.push(event);
    if (this.pending.length >= this.maxEvents) {
      this.flush();
    } else if (!this.timer) {
      this.timer = setTimeout(() => this.flush(), this.maxWaitMs);
    }
  }

  /** Seals whatever is pending now. */
  flush(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    if (this.pending.length === 0) return;
    const captured = this.pending;
    this.pending = [];
    const events = this.chain(captured);
    const batch = buildBatch(
      events,
      this.options.agent.id,
      this.options.privateKeyPem,
    );
    const envelope = sealBatch(batch, this.options.sealingCertPem);
    this.options.spool.append(envelope, batch.checkpoint.head);
    this.options.onSealed?.();
  }

  private chain(captured: CapturedEvent[]): AccessEvent[] {
    let { seq, head } = this.options.spool.chainState();
    return captured.map((event) => {
      seq += 1;
      const chained: AccessEvent = {
        seq,
        prev: head,
        agent: this.options.agent,
        ...event,
      };
      head = hashEvent(chained);
      return chained;
    });
  }
}
