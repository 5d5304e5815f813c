import { readdir } from 'node:fs/promises';
import { join, sep } from 'node:path';

/** What the watcher took in: directory → names of its children. */
export type WatchedTree = Record<string, string[]>;

/** Entries the watcher has not taken in. */
export interface Missed {
  files: string[];
  dirs: string[];
}

/**
 * chokidar re-lists a busy directory at most once a second; wait past that
 * after the last new directory so that only true misses are found.
 */
export const FS_RESCAN_QUIET_MS = 1_500;
/** New directories arriving without pause are still checked this often. */
export const FS_RESCAN_MAX_MS = 10_000;

/**
 * Catches what the watcher misses in new directories. chokidar lists a new
 * directory and only then watches it, so a file created in between (as in
 * `mkdir -p a/b && echo x > a/b/f`) raises no event. Once directories stop
 * appearing, their trees are compared with what the watcher holds.
 */
export class DirRescan {
  private readonly dirs = new Set<string>();
  private timer: NodeJS.Timeout | undefined;
  private firstMs = 0;

  constructor(
    private readonly watched: () => WatchedTree,
    private readonly onMissed: (missed: Missed) => void,
    private readonly onError: (error: unknown) => void,
    private readonly quietMs = FS_RESCAN_QUIET_MS,
  ) {}

  /** A directory appeared at `dir`. */
  schedule(dir: string): void {
    if (this.dirs.size === 0) this.firstMs = Date.now();
    if (![...this.dirs].some((d) => isInside(dir, d))) {
      for (const d of this.dirs) if (isInside(d, dir)) this.dirs.delete(d);
      this.dirs.add(dir);
    }
    clearTimeout(this.timer);
    const left = FS_RESCAN_MAX_MS - (Date.now() - this.firstMs);
    const delay = Math.max(0, Math.min(this.quietMs, left));
    this.timer = setTimeout(() => void this.run(), delay);
  }

  close(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    this.dirs.clear();
  }

  private async run(): Promise<void> {
    this.timer = undefined;
    const dirs = [...this.dirs];
    this.dirs.clear();
    const missed: Missed = { files: [], dirs: [] };
    try {
      const tree = this.watched();
      for (const dir of dirs) await findMissed(dir, tree, missed);
      if (missed.files.length > 0 || missed.dirs.length > 0) {
        this.onMissed(missed);
      }
    } catch (error) {
      this.onError(error);
    }
  }
}

/** Walks `dir`, collecting entries absent from `tree`; skips what vanished. */
async function findMissed(
  dir: string,
  tree: WatchedTree,
  missed: Missed,
): Promise<void> {
  const known = new Set(tree[dir] ?? []);
  let entries;
  try {
    entries = await readdir(dir, { withFileTypes: true });
  } catch {
    return; // gone or unreadable since it appeared; the watcher reports it
  }
  for (const entry of entries) {
    const path = join(dir, entry.name);
    if (!known.has(entry.name)) {
      // A missed directory is handed over whole; the watcher lists it.
      (entry.isDirectory() ? missed.dirs : missed.files).push(path);
    } else if (entry.isDirectory()) {
      await findMissed(path, tree, missed);
    }
  }
}

function isInside(path: string, dir: string): boolean {
  return path === dir || path.startsWith(dir.endsWith(sep) ? dir : dir + sep);
}
