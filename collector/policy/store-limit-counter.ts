import type { CollectorStore } from '../store/store.js';
import type { LimitCounter, LimitSlot } from './limit-counter.js';

/**
 * A LimitCounter in the collector's store, so counts survive a restart.
 * Use it inside the ingest transaction: the counts then commit or roll
 * back with the events and violations they came from.
 */
export class StoreLimitCounter implements LimitCounter {
  constructor(private readonly store: CollectorStore) {}

  hit(slot: LimitSlot, timeMs: number, windowMs: number): number {
    this.store.addLimitHit(slot, timeMs);
    this.store.forgetLimitHits(slot, timeMs - 2 * windowMs);
    const count = this.store.countLimitHits(slot, timeMs - windowMs, timeMs);
    const newest = this.store.newestLimitHit(slot) ?? timeMs;
    if (!(newest > timeMs && newest < timeMs + windowMs)) return count;
    const late = this.store.countLimitHits(slot, newest - windowMs, newest);
    return Math.max(count, late);
  }

  flaggedNear(
    slot: LimitSlot,
    timeMs: number,
    windowMs: number,
  ): number | undefined {
    return this.store.limitFlagIn(slot, timeMs - windowMs, timeMs + windowMs);
  }

  flag(slot: LimitSlot, timeMs: number, windowMs: number): void {
    this.store.addLimitFlag(slot, timeMs);
    this.store.forgetLimitFlags(slot, timeMs - 2 * windowMs);
  }
}
