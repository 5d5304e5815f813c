import type { DegradedReason } from './fs-event.js';
import { hasCode } from './file-snapshot.js';

/** Reports one reason and the total count of paths not covered. */
export type CoverageReport = (
  reason: DegradedReason,
  unwatched: number,
) => void;

/**
 * Counts the paths whose watch could not be set up and reports them. A tree
 * hitting the inotify limit fails once per file, so failures are gathered
 * for `delayMs` and reported together rather than one event per path.
 */
export class WatchCoverage {
  private readonly unwatchedPaths = new Set<string>();
  private readonly fresh = new Set<DegradedReason>();
  private timer: NodeJS.Timeout | undefined;
  private unnamed = 0;

  constructor(
    private readonly delayMs: number,
    private readonly report: CoverageReport,
  ) {}

  /** Paths not covered so far. */
  get unwatched(): number {
    return this.unwatchedPaths.size;
  }

  /** True when `error` left a path unwatched; it is then counted. */
  note(error: unknown): boolean {
    const reason = reasonOf(error);
    if (reason === undefined) return false;
    const path = pathOf(error) ?? `#${++this.unnamed}`;
    if (this.unwatchedPaths.has(path)) return true;
    this.unwatchedPaths.add(path);
    this.fresh.add(reason);
    this.timer ??= setTimeout(() => this.flush(), this.delayMs);
    return true;
  }

  /** Reports what was noted since the last report, now. */
  flush(): void {
    this.close();
    const reasons = [...this.fresh];
    this.fresh.clear();
    for (const reason of reasons) this.report(reason, this.unwatched);
  }

  close(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
  }
}

function reasonOf(error: unknown): DegradedReason | undefined {
  // inotify_add_watch fails with ENOSPC when max_user_watches is used up.
  if (hasCode(error, 'ENOSPC')) return 'inotify-watch-limit';
  if (hasCode(error, 'EMFILE')) return 'inotify-instance-limit';
  if (hasCode(error, 'EACCES') || hasCode(error, 'EPERM')) {
    return 'permission-denied';
  }
  return undefined;
}

function pathOf(error: unknown): string | undefined {
  const path = (error as { path?: unknown }).path;
  return typeof path === 'string' ? path : undefined;
}
