import type { CollectorStore } from '../store/store.js';
import {
  type LimitCounter,
  type LimitSlot,
  MemoryLimitCounter,
  slotKey,
} from './limit-counter.js';

/** Slots held in memory before the cache starts over from the store. */
const SLOTS_CACHED_MAX = 100_000;
/** Hits of one slot between two deletes of its old rows. */
const HITS_PER_SLOT_PRUNE = 256;
/** Hits between two sweeps of slots idle for two of the longest windows. */
const HITS_PER_IDLE_SWEEP = 100_000;
/** Two of the longest window a limit may have (7 days). */
const IDLE_AFTER_MS = 2 * 7 * 24 * 60 * 60 * 1000;

/**
 * A LimitCounter kept in the collector's store, so counts survive a
 * restart. Every hit and flag is written to the store; counting is done in
 * memory, loading a slot from the store the first time it is used. Use it
 * inside the ingest transaction, and call `forget()` when that transaction
 * rolls back, so memory does not keep hits the store no longer has.
 */
export class StoreLimitCounter implements LimitCounter {
  private memory = new MemoryLimitCounter();
  /** Per loaded slot: hits since its old rows were last deleted. */
  private loaded = new Map<string, number>();
  private hitsSinceSweep = 0;

  constructor(
    private readonly store: CollectorStore,
    private readonly now: () => number = Date.now,
  ) {}

  hit(slot: LimitSlot, timeMs: number, windowMs: number): number {
    this.load(slot, timeMs, windowMs);
    this.store.addLimitHit(slot, timeMs);
    this.pruneNow(slot, timeMs, windowMs);
    return this.memory.hit(slot, timeMs, windowMs);
  }

  flaggedNear(
    slot: LimitSlot,
    timeMs: number,
    windowMs: number,
  ): number | undefined {
    this.load(slot, timeMs, windowMs);
    return this.memory.flaggedNear(slot, timeMs, windowMs);
  }

  flag(slot: LimitSlot, timeMs: number, windowMs: number): void {
    this.load(slot, timeMs, windowMs);
    this.store.addLimitFlag(slot, timeMs);
    this.memory.flag(slot, timeMs, windowMs);
  }

  /** Drops what memory holds; slots are read again from the store. */
  forget(): void {
    this.memory = new MemoryLimitCounter();
    this.loaded = new Map();
  }

  private load(slot: LimitSlot, timeMs: number, windowMs: number): void {
    const key = slotKey(slot);
    if (this.loaded.has(key)) return;
    if (this.loaded.size >= SLOTS_CACHED_MAX) this.forget();
    const after = timeMs - 2 * windowMs;
    for (const row of this.store.limitHitsSince(slot, after)) {
      for (let i = 0; i < row.n; i++) {
        this.memory.hit(slot, row.time_ms, windowMs);
      }
    }
    for (const time of this.store.limitFlagsSince(slot, after)) {
      this.memory.flag(slot, time, windowMs);
    }
    this.loaded.set(key, 0);
  }

  // Old rows go in batches: per slot after some hits, and those of idle
  // slots (by the wall clock) after many hits in all.
  private pruneNow(slot: LimitSlot, timeMs: number, windowMs: number): void {
    const key = slotKey(slot);
    const hits = (this.loaded.get(key) ?? 0) + 1;
    this.loaded.set(key, hits % HITS_PER_SLOT_PRUNE);
    if (hits >= HITS_PER_SLOT_PRUNE) {
      this.store.forgetLimitHits(slot, timeMs - 2 * windowMs);
      this.store.forgetLimitFlags(slot, timeMs - 2 * windowMs);
    }
    if (++this.hitsSinceSweep >= HITS_PER_IDLE_SWEEP) {
      this.hitsSinceSweep = 0;
      this.store.pruneLimits(this.now() - IDLE_AFTER_MS);
    }
  }
}
