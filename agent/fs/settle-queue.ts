/** Called once a path has been quiet; `firstSeenMs` opens its window. */
export type SettleHandler = (
  path: string,
  firstSeenMs: number,
) => Promise<void>;

/**
 * Handlers running at once. Each opens and hashes a file; a burst of ten
 * thousand new files must not run out of file descriptors (EMFILE).
 */
export const FS_SETTLE_CONCURRENCY = 8;

interface Waiting {
  timer: NodeJS.Timeout;
  firstSeenMs: number;
}

/**
 * Per-path debounce: a path settles once no change was seen for `stableMs`,
 * or `maxWaitMs` after its first change so a file written without pause is
 * still reported. Settled paths are handled in order, a few at a time, and
 * never two handlers for one path at once.
 */
export class SettleQueue {
  private readonly waiting = new Map<string, Waiting>();
  /** Quiet paths waiting for a free slot, oldest first. */
  private readonly due = new Map<string, number>();
  private readonly running = new Map<string, Promise<void>>();
  private closed = false;

  constructor(
    private readonly stableMs: number,
    private readonly maxWaitMs: number,
    private readonly handler: SettleHandler,
    private readonly concurrency = FS_SETTLE_CONCURRENCY,
  ) {}

  /** A change at `path`: (re)start its quiet period. */
  touch(path: string, firstSeenMs = Date.now()): void {
    if (this.closed) return;
    const old = this.waiting.get(path);
    clearTimeout(old?.timer);
    const earlier = old?.firstSeenMs ?? this.due.get(path) ?? firstSeenMs;
    const first = Math.min(earlier, firstSeenMs);
    this.due.delete(path);
    const left = this.maxWaitMs - (Date.now() - first);
    const delay = Math.max(0, Math.min(this.stableMs, left));
    const timer = setTimeout(() => this.settled(path), delay);
    this.waiting.set(path, { timer, firstSeenMs: first });
  }

  /** True while a change at `path` waits or is being handled. */
  has(path: string): boolean {
    return (
      this.waiting.has(path) || this.due.has(path) || this.running.has(path)
    );
  }

  cancel(path: string): void {
    clearTimeout(this.waiting.get(path)?.timer);
    this.waiting.delete(path);
    this.due.delete(path);
  }

  /** Handles every waiting path now and waits for all handlers. */
  async flush(): Promise<void> {
    for (const path of [...this.waiting.keys()]) this.settled(path);
    while (this.running.size > 0) {
      await Promise.race(this.running.values());
    }
  }

  /** Takes no more changes, and handles those waiting now. */
  async close(): Promise<void> {
    this.closed = true;
    await this.flush();
  }

  private settled(path: string): void {
    const entry = this.waiting.get(path);
    if (!entry) return;
    clearTimeout(entry.timer);
    this.waiting.delete(path);
    this.due.set(path, entry.firstSeenMs);
    this.pump();
  }

  /** Starts due handlers while slots are free. */
  private pump(): void {
    for (const [path, firstSeenMs] of this.due) {
      if (this.running.size >= this.concurrency) return;
      // One handler per path: this one goes once the current is done.
      if (this.running.has(path)) continue;
      this.due.delete(path);
      this.run(path, firstSeenMs);
    }
  }

  private run(path: string, firstSeenMs: number): void {
    // The handler counts its own failures; this only keeps the map clean.
    const done = this.handler(path, firstSeenMs)
      .catch(() => undefined)
      .finally(() => {
        this.running.delete(path);
        this.pump();
      });
    this.running.set(path, done);
  }
}
