import type { AuditRecord } from './parse-record.js';

/** The records of one kernel event, in the order they were read. */
export interface AuditGroup {
  eventKey: string;
  node: string | undefined;
  serial: number;
  timeMs: number;
  records: AuditRecord[];
  /**
   * Another rule's event, known by its SYSCALL record: its records were
   * let go as they came, and `records` holds none.
   */
  foreign: boolean;
  /** Log offsets of the group's first and last record lines. */
  firstOffset: number;
  lastOffset: number;
}

export interface CorrelatorOptions {
  /** A group with no new record for this long (wall time) is complete. */
  flushMs: number;
  /** Oldest groups are handed on early when more than this many are open. */
  maxPending?: number;
  /**
   * Asked of each group's first SYSCALL record: true for an event of
   * another rule, whose records need not be kept until it is complete.
   */
  isForeign?: (syscall: AuditRecord) => boolean;
}

/**
 * Bounds memory while a backlog is read faster than wall time passes; the
 * kernel writes an event's records together, so 4096 events of reordering
 * is far beyond anything real.
 */
export const MAX_PENDING_GROUPS = 4096;

interface Pending extends AuditGroup {
  seenAtMs: number;
  /** Whether its first SYSCALL record came and was judged. */
  judged: boolean;
}

/**
 * Groups records by event (node, time and serial), whatever order they come
 * in, and hands each group on when its EOE arrives or, since many kernels
 * write no EOE for file events, once it got no record for `flushMs`.
 */
export class Correlator {
  private readonly pending = new Map<string, Pending>();
  // Keys in arrival order; a Map's own iterator slows down as its front
  // fills with deleted entries, and the oldest is wanted on every overflow.
  private order: string[] = [];
  private head = 0;
  private readonly flushMs: number;
  private readonly maxPending: number;
  private readonly isForeign: ((syscall: AuditRecord) => boolean) | undefined;

  constructor(
    private readonly onGroup: (group: AuditGroup) => void,
    options: CorrelatorOptions,
  ) {
    this.flushMs = options.flushMs;
    this.maxPending = options.maxPending ?? MAX_PENDING_GROUPS;
    this.isForeign = options.isForeign;
  }

  /** Adds one record read at log `offset` when the wall clock read `nowMs`. */
  push(record: AuditRecord, offset = 0, nowMs = Date.now()): void {
    if (record.type === 'EOE') {
      this.emit(record.eventKey);
      return;
    }
    let group = this.pending.get(record.eventKey);
    if (group === undefined) {
      group = newGroup(record, offset, nowMs);
      this.pending.set(record.eventKey, group);
      this.order.push(record.eventKey);
      if (this.order.length - this.head > 2 * this.maxPending) {
        this.order = [...this.pending.keys()]; // drop keys handed on since
        this.head = 0;
      }
      if (this.pending.size > this.maxPending) this.emitOldest();
    }
    this.keep(group, record);
    group.lastOffset = Math.max(group.lastOffset, offset);
    group.seenAtMs = nowMs;
  }

  // Most records of a busy log belong to other rules' events: once the
  // SYSCALL record says so, the group's lines are let go instead of being
  // held (and copied by each young-generation collection) until it ends.
  private keep(group: Pending, record: AuditRecord): void {
    if (group.foreign) return;
    if (record.type === 'SYSCALL' && !group.judged) {
      group.judged = true;
      if (this.isForeign?.(record) === true) {
        group.foreign = true;
        group.records = [];
        return;
      }
    }
    group.records.push(record);
  }

  /** Emits groups that got no record for `flushMs` of wall time. */
  flushIdle(nowMs = Date.now()): void {
    for (const [key, group] of this.pending) {
      if (nowMs - group.seenAtMs >= this.flushMs) this.emit(key);
    }
    this.passHandedOn();
  }

  /** Emits every open group: the end of the input. */
  flushAll(): void {
    for (const key of [...this.pending.keys()]) this.emit(key);
    this.order = [];
    this.head = 0;
  }

  /** Log offset of the first record not yet handed on, if any. */
  oldestPendingOffset(): number | undefined {
    let oldest: number | undefined;
    for (const group of this.pending.values()) {
      if (oldest === undefined || group.firstOffset < oldest) {
        oldest = group.firstOffset;
      }
    }
    return oldest;
  }

  get pendingCount(): number {
    return this.pending.size;
  }

  /** Keys kept for arrival order; none once nothing is open. */
  get orderedKeys(): number {
    return this.order.length - this.head;
  }

  private emitOldest(): void {
    while (this.head < this.order.length) {
      const key = this.pass();
      if (this.pending.has(key)) {
        this.emit(key);
        break;
      }
    }
    this.compactOrder();
  }

  // Groups mostly leave by flushIdle, oldest first: move past their keys,
  // and drop them all once nothing is open, so that an idle agent does not
  // keep the keys of the last burst's thousands of events.
  private passHandedOn(): void {
    if (this.pending.size === 0) {
      this.order = [];
      this.head = 0;
      return;
    }
    while (
      this.head < this.order.length &&
      !this.pending.has(this.order[this.head] as string)
    ) {
      this.pass();
    }
    this.compactOrder();
  }

  /** The key at the head of `order`, whose slot lets go of it. */
  private pass(): string {
    const key = this.order[this.head] as string;
    this.order[this.head] = '';
    this.head += 1;
    return key;
  }

  private compactOrder(): void {
    if (this.head > 1024 && this.head * 2 > this.order.length) {
      this.order = this.order.slice(this.head);
      this.head = 0;
    }
  }

  private emit(key: string): void {
    const group = this.pending.get(key);
    if (group === undefined) return;
    this.pending.delete(key);
    this.onGroup(group);
  }
}

function newGroup(record: AuditRecord, offset: number, nowMs: number): Pending {
  return {
    eventKey: record.eventKey,
    node: record.node,
    serial: record.serial,
    timeMs: record.timeMs,
    records: [],
    foreign: false,
    firstOffset: offset,
    lastOffset: offset,
    seenAtMs: nowMs,
    judged: false,
  };
}
