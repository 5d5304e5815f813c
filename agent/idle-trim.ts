import { setFlagsFromString } from 'node:v8';

/** RSS growth since the last trim that makes the next drained moment trim. */
export const TRIM_GROWTH_BYTES = 2 * 1024 * 1024;
/** Trims at most this often: a full collection costs a few ms of CPU. */
export const TRIM_MIN_INTERVAL_MS = 5_000;
/**
 * V8 sweeps and unmaps the pages a collection freed on its own threads:
 * the level a trim reached is read this long after it.
 */
export const TRIM_SETTLE_MS = 1_000;

// V8's full collection, there when node runs with --expose-gc (the agent's
// flags, agent/node-flags.ts).
const collectGarbage = (globalThis as { gc?: () => void }).gc;

/**
 * A full collection that also compacts: what a burst left scattered over
 * many pages moves onto few, and the rest are given back. Compaction is on
 * for this collection only: objects being moved are held twice for a
 * moment, and V8's own collections, compacting every time, would raise RSS
 * briefly whenever they ran, idle or not. Without --expose-gc it does
 * nothing.
 */
export function compactHeap(): void {
  if (collectGarbage === undefined) return;
  setFlagsFromString('--compact-on-every-full-gc');
  try {
    collectGarbage();
  } finally {
    setFlagsFromString('--no-compact-on-every-full-gc');
  }
}

export interface IdleTrimOptions {
  /** Whether nothing captured waits anywhere: sensed, sealed, delivered. */
  isDrained: () => boolean;
  /** Frees what the agent can do without: garbage, caches. */
  trim: () => void;
  /** Default TRIM_GROWTH_BYTES. */
  growthBytes?: number;
  /** Default TRIM_MIN_INTERVAL_MS. */
  minIntervalMs?: number;
  /** Default TRIM_SETTLE_MS. */
  settleMs?: number;
  /** The process's resident set in bytes; default process.memoryUsage. */
  rss?: () => number;
}

/**
 * Gives memory back once a burst is over (DESIGN section 10: idle RSS).
 * V8 keeps a burst's garbage until its memory reducer runs, seconds later,
 * and SQLite keeps its page cache; the agent frees both as soon as all it
 * captured is delivered, if it grew enough since the last trim to be worth
 * a full collection.
 */
export class IdleTrim {
  private readonly growthBytes: number;
  private readonly minIntervalMs: number;
  private readonly settleMs: number;
  private readonly rss: () => number;
  /** RSS the last trim reached, or lower if seen since. */
  private level: number;
  private lastAt = Number.NEGATIVE_INFINITY;
  private timer: NodeJS.Timeout | undefined;
  private settling: NodeJS.Timeout | undefined;

  constructor(private readonly options: IdleTrimOptions) {
    this.growthBytes = options.growthBytes ?? TRIM_GROWTH_BYTES;
    this.minIntervalMs = options.minIntervalMs ?? TRIM_MIN_INTERVAL_MS;
    this.settleMs = options.settleMs ?? TRIM_SETTLE_MS;
    this.rss = options.rss ?? (() => process.memoryUsage.rss());
    this.level = this.rss();
  }

  /** Everything may be delivered now: for example, the spool emptied. */
  drained(): void {
    if (this.timer !== undefined || !this.options.isDrained()) return;
    const rss = this.rss();
    this.level = Math.min(this.level, rss); // V8 may have given some back
    if (rss - this.level < this.growthBytes) return;
    const wait = this.lastAt + this.minIntervalMs - Date.now();
    if (wait > 0) {
      // Too soon after the last trim: look again once the interval is over.
      this.timer = setTimeout(() => {
        this.timer = undefined;
        this.drained();
      }, wait);
      this.timer.unref();
      return;
    }
    this.options.trim();
    this.lastAt = Date.now();
    this.settling = setTimeout(() => {
      this.settling = undefined;
      // Busy again by then, RSS says nothing of what the trim reached.
      if (this.options.isDrained()) this.level = this.rss();
    }, this.settleMs);
    this.settling.unref();
  }

  stop(): void {
    clearTimeout(this.timer);
    clearTimeout(this.settling);
    this.timer = undefined;
    this.settling = undefined;
  }
}
