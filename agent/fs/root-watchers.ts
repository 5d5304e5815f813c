import { watch, type FSWatcher } from 'chokidar';
import type { Stats } from 'node:fs';
import { basename, join, sep } from 'node:path';
import type { WatchedTree } from './dir-rescan.js';
import { WATCH_OPTIONS } from './watch-options.js';

/** Where chokidar's callbacks go; none of them may throw. */
export interface WatchHandlers {
  /** `initial`: part of the root's first listing, before it was ready. */
  change(
    name: string,
    path: string,
    stats: Stats | undefined,
    initial: boolean,
  ): void;
  /**
   * A path an inotify event named, whatever chokidar makes of it: chokidar
   * drops some (throttles, atime checks) and all for a file whose own watch
   * failed, while its directory's watch still sees it change.
   */
  raw(path: string): void;
  error(error: unknown): void;
}

/**
 * One chokidar watcher per root, so that a root which appears late or is
 * swapped for another directory can be watched afresh on its own.
 */
export class RootWatchers {
  private readonly watchers = new Map<string, FSWatcher>();
  private readonly readyWaits = new Map<string, () => void>();

  constructor(private readonly handlers: WatchHandlers) {}

  /** Watches `root`; resolves once its existing entries were listed. */
  watch(root: string, baseline: boolean): Promise<void> {
    // Two quick changes of a root could race here: one watcher per root.
    this.unwatch(root).catch((error: unknown) => this.handlers.error(error));
    const watcher = watch(root, WATCH_OPTIONS);
    this.watchers.set(root, watcher);
    let initial = baseline;
    watcher.on('all', (name, path, stats) =>
      this.handlers.change(name, path, stats, initial),
    );
    watcher.on('raw', (_event, name, details) => {
      const path = rawPath(name, details);
      if (path !== undefined) this.handlers.raw(path);
    });
    watcher.on('error', (error) => this.handlers.error(error));
    return new Promise((done) => {
      const finish = (): void => {
        initial = false;
        this.readyWaits.delete(root);
        done();
      };
      this.readyWaits.set(root, finish);
      watcher.once('ready', finish);
    });
  }

  async unwatch(root: string): Promise<void> {
    const watcher = this.watchers.get(root);
    this.watchers.delete(root);
    this.readyWaits.get(root)?.();
    await watcher?.close();
  }

  async closeAll(): Promise<void> {
    await Promise.all([...this.watchers.keys()].map((r) => this.unwatch(r)));
  }

  /** What all watchers hold, directory by directory. */
  tree(): WatchedTree {
    const merged: WatchedTree = {};
    for (const watcher of this.watchers.values()) {
      for (const [dir, names] of Object.entries(watcher.getWatched())) {
        merged[dir] = [...new Set([...(merged[dir] ?? []), ...names])];
      }
    }
    return merged;
  }

  /** Hands directories the watchers missed to the one whose root holds them. */
  add(dirs: string[]): void {
    for (const dir of dirs) {
      for (const [root, watcher] of this.watchers) {
        if (dir.startsWith(root.endsWith(sep) ? root : root + sep)) {
          watcher.add(dir);
          break;
        }
      }
    }
  }
}

function rawPath(name: string, details: unknown): string | undefined {
  const watched = (details as { watchedPath?: unknown } | null)?.watchedPath;
  if (typeof watched !== 'string' || !name) return undefined;
  // A file's own watch names the file itself; a directory's, its child.
  return basename(watched) === name ? watched : join(watched, name);
}
