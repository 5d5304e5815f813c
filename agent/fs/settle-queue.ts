/** Called once a path has been quiet; `firstSeenMs` opens its window. */
export type SettleHandler = (
  path: string,
  firstSeenMs: number,
) => Promise<void>;

interface Pending {
  timer: NodeJS.Timeout;
  firstSeenMs: number;
}

/**
 * Per-path debounce: a path settles once no change was seen for `stableMs`,
 * or `maxWaitMs` after its first change so a file written without pause is
 * still reported. One handler runs per path at a time; a change seen while
 * it runs opens a new window.
 */
export class SettleQueue {
  private readonly pending = new Map<string, Pending>();
  private readonly running = new Map<string, Promise<void>>();

  constructor(
    private readonly stableMs: number,
    private readonly maxWaitMs: number,
    private readonly handler: SettleHandler,
  ) {}

  /** A change at `path`: (re)start its quiet period. */
  touch(path: string, firstSeenMs = Date.now()): void {
    const old = this.pending.get(path);
    if (old) clearTimeout(old.timer);
    const first = Math.min(old?.firstSeenMs ?? firstSeenMs, firstSeenMs);
    const waited = Date.now() - first;
    const delay = Math.max(0, Math.min(this.stableMs, this.maxWaitMs - waited));
    const timer = setTimeout(() => this.fire(path), delay);
    this.pending.set(path, { timer, firstSeenMs: first });
  }

  /** True while a change at `path` waits or is being handled. */
  has(path: string): boolean {
    return this.pending.has(path) || this.running.has(path);
  }

  cancel(path: string): void {
    const entry = this.pending.get(path);
    if (!entry) return;
    clearTimeout(entry.timer);
    this.pending.delete(path);
  }

  /** Handles every waiting path now and waits for all handlers. */
  async flush(): Promise<void> {
    const waiting = [...this.pending.entries()];
    for (const [path, entry] of waiting) {
      clearTimeout(entry.timer);
      this.pending.delete(path);
    }
    await Promise.all([...this.running.values()]);
    await Promise.all(
      waiting.map(([path, entry]) => this.run(path, entry.firstSeenMs)),
    );
  }

  /** Drops every waiting path without handling it. */
  clear(): void {
    for (const entry of this.pending.values()) clearTimeout(entry.timer);
    this.pending.clear();
  }

  private fire(path: string): void {
    const entry = this.pending.get(path);
    if (!entry) return;
    if (this.running.has(path)) {
      // Keep one handler per path: look again once the current one is done.
      entry.timer = setTimeout(() => this.fire(path), this.stableMs);
      return;
    }
    this.pending.delete(path);
    void this.run(path, entry.firstSeenMs);
  }

  private run(path: string, firstSeenMs: number): Promise<void> {
    // The handler counts its own failures; this only keeps the map clean.
    const done = this.handler(path, firstSeenMs)
      .catch(() => undefined)
      .finally(() => this.running.delete(path));
    this.running.set(path, done);
    return done;
  }
}
