import { hashEvent } from '../../protocol/chain.js';
import type {
  AccessEvent,
  AgentRef,
  CapturedEvent,
} from '../../protocol/event.js';
import { buildBatch } from '../../protocol/batch.js';
import { sealBatch } from '../../protocol/seal.js';
import { logLeafBytes } from '../../protocol/log-leaf.js';
import { leafHash } from '../../protocol/merkle.js';
import { metaEvent } from '../meta-event.js';
import type { Spool } from '../spool/spool.js';

/** Close a batch at this many events (DESIGN section 3: `max_events`). */
export const BATCH_MAX_EVENTS = 500;
/** …or when its oldest event has waited this long (`max_wait`). */
export const BATCH_MAX_WAIT_MS = 1_000;
/** Default bound of the spool on disk (`spool.max_bytes`): 256 MiB. */
export const SPOOL_MAX_BYTES = 256 * 1024 * 1024;

export interface BatcherOptions {
  spool: Spool;
  agent: AgentRef;
  privateKeyPem: string;
  sealingCertPem: string;
  maxEvents?: number;
  maxWaitMs?: number;
  /** Spool bound (`spool.max_bytes`); default SPOOL_MAX_BYTES. */
  maxSpoolBytes?: number;
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
  private readonly maxSpoolBytes: number;

  constructor(private readonly options: BatcherOptions) {
    this.maxEvents = options.maxEvents ?? BATCH_MAX_EVENTS;
    this.maxWaitMs = options.maxWaitMs ?? BATCH_MAX_WAIT_MS;
    this.maxSpoolBytes = options.maxSpoolBytes ?? SPOOL_MAX_BYTES;
  }

  /** Events waiting to be sealed. */
  get holding(): number {
    return this.pending.length;
  }

  push(event: CapturedEvent): void {
    this.pending.push(event);
    if (this.pending.length >= this.maxEvents) {
      this.flush();
    } else if (!this.timer) {
      this.timer = setTimeout(() => this.flush(), this.maxWaitMs);
    }
  }

  /**
   * Seals whatever is pending now, led by an `events.dropped` event for any
   * drops not yet reported. When the sealed batch does not fit in the
   * spool, its captured events are counted as dropped instead, so that
   * sent + spooled + dropped = captured always holds; the report of those
   * drops is sealed with the first batch that fits again.
   */
  flush(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    const { spool } = this.options;
    const drops = spool.unreportedDrops();
    if (this.pending.length === 0 && drops === 0) return;
    const captured = this.pending;
    this.pending = [];
    const report = drops > 0 ? [this.dropReport(drops)] : [];
    const events = this.chain([...report, ...captured]);
    const batch = buildBatch(
      events,
      this.options.agent.id,
      this.options.privateKeyPem,
    );
    const envelope = sealBatch(batch, this.options.sealingCertPem);
    if (!this.fits(JSON.stringify(envelope).length)) {
      if (captured.length > 0) spool.recordDrop(captured.length);
      return;
    }
    const leaf = leafHash(
      logLeafBytes({
        checkpoint: batch.checkpoint,
        first_seq: envelope.first,
        signature: batch.signature,
      }),
    ).toString('hex');
    spool.append(
      envelope,
      batch.checkpoint.head,
      drops,
      sourcesOf(captured),
      leaf,
    );
    this.options.onSealed?.();
  }

  private dropReport(count: number): CapturedEvent {
    const detail = {
      count,
      reason: 'spool full',
      spool_max_bytes: this.maxSpoolBytes,
    };
    return metaEvent('events.dropped', detail);
  }

  /** An empty spool always takes one batch, so a bound never blocks all. */
  private fits(bytes: number): boolean {
    const depth = this.options.spool.depth();
    return depth.envelopes === 0 || depth.bytes + bytes <= this.maxSpoolBytes;
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

/** Names of the audit records behind events: their node-free time and serial. */
export function sourcesOf(events: readonly CapturedEvent[]): string[] {
  return events.flatMap((e) => (e.audit ? [auditSource(e)] : []));
}

export function auditSource(event: CapturedEvent): string {
  return `${event.time}:${event.audit?.serial ?? ''}`;
}
