import type { Stats } from 'node:fs';
import type { CapturedEvent } from '../../protocol/event.js';
import { FileIndex, type KnownFile } from './file-index.js';
import {
  FS_HASH_MAX_BYTES,
  hashEntry,
  lstatEntry,
  snapshotOf,
  type EntrySnapshot,
} from './file-snapshot.js';
import { fileEvent } from './fs-event.js';

/**
 * A file gone from its path waits this long for a rename partner to show up
 * elsewhere in the watched trees before it is reported as deleted.
 */
export const FS_RENAME_PAIR_MS = 500;

export interface TrackerOptions {
  pairMs: number;
  maxHashBytes: number;
}

/** How the tracker reaches the sensor around it. */
export interface TrackerHooks {
  emit(event: CapturedEvent): void;
  /** Look at `path` again later: it changed while being read. */
  retry(path: string): void;
  /** Drop any waiting look at `path`: a rename accounted for it. */
  cancel(path: string): void;
  error(error: unknown): void;
}

/**
 * Turns "something happened at this path" into file events by comparing
 * what is on disk now with what was last seen there.
 *
 * Renames are reported only when they pair reliably: the new path holds
 * the inode, size and mtime last seen at a path that is gone (rename keeps
 * all three; a reused inode brings a new mtime). Otherwise the move is a
 * delete plus a create. A save by temp file and rename-over is a `write` of
 * the final path, and the temp file is not reported when it lived for less
 * than the stability wait (the user saved one file, not two); a temp file
 * seen settled, like a package manager's slow `f.new`, pairs as a rename.
 */
export class ChangeTracker {
  private readonly index = new FileIndex();
  /** Vanished paths: their delete timer and when they were seen to go. */
  private readonly deletes = new Map<
    string,
    { timer: NodeJS.Timeout; firstSeenMs: number }
  >();

  constructor(
    private readonly hooks: TrackerHooks,
    private readonly options: TrackerOptions = {
      pairMs: FS_RENAME_PAIR_MS,
      maxHashBytes: FS_HASH_MAX_BYTES,
    },
  ) {}

  /** A file present before watching began: known, not reported. */
  baseline(path: string, stats: Stats): void {
    if (!stats.isDirectory()) this.index.set(path, snapshotOf(stats));
  }

  /** Known paths inside `dir`, for a directory that went away. */
  under(dir: string): string[] {
    return this.index.under(dir);
  }

  /** Compares `path` on disk with the index and reports the difference. */
  async settle(path: string, firstSeenMs: number): Promise<void> {
    try {
      await this.observe(path, firstSeenMs);
    } catch (error) {
      this.hooks.error(error);
    }
  }

  /** Reports every file still waiting for a rename partner as deleted. */
  flushDeletes(): void {
    for (const [path, { firstSeenMs }] of this.deletes) {
      this.expire(path, firstSeenMs);
    }
  }

  close(): void {
    for (const path of this.deletes.keys()) this.forget(path);
  }

  private async observe(path: string, firstSeenMs: number): Promise<void> {
    const seen = await lstatEntry(path);
    if (!seen) return this.vanish(path, firstSeenMs);
    const known = this.index.get(path);
    if (known && sameContent(known, seen)) return this.refresh(known, seen);
    const read = await hashEntry(path, seen, this.options.maxHashBytes);
    if (read === 'unstable') return this.hooks.retry(path);
    if (read === 'gone') return this.vanish(path, firstSeenMs);
    const source = await this.renameSource(path, read);
    const replaced = this.index.get(path) !== undefined;
    this.keep(path, read);
    if (source) {
      this.claim(source.path);
      this.hooks.emit(
        fileEvent('rename', source.path, read, firstSeenMs, path),
      );
    } else {
      const action = replaced ? 'write' : 'create';
      this.hooks.emit(fileEvent(action, path, read, firstSeenMs));
    }
  }

  /** Same content as before; metadata may have moved, and it is back. */
  private refresh(known: KnownFile, seen: EntrySnapshot): void {
    const sha256 = known.sha256;
    this.keep(known.path, sha256 === undefined ? seen : { ...seen, sha256 });
  }

  private keep(path: string, entry: EntrySnapshot): void {
    this.forget(path);
    this.index.set(path, entry);
  }

  /** Stops waiting for a rename partner of `path`. */
  private forget(path: string): void {
    clearTimeout(this.deletes.get(path)?.timer);
    this.deletes.delete(path);
  }

  /** Gone from `path`: deleted, unless a rename claims it in time. */
  private vanish(path: string, firstSeenMs: number): void {
    const known = this.index.get(path);
    if (!known || known.vanished) return;
    this.index.set(path, known, true);
    const timer = setTimeout(
      () => this.expire(path, firstSeenMs),
      this.options.pairMs,
    );
    this.deletes.set(path, { timer, firstSeenMs });
  }

  private expire(path: string, firstSeenMs: number): void {
    this.forget(path);
    const known = this.index.get(path);
    if (!known?.vanished) return;
    this.index.delete(path);
    this.hooks.emit(fileEvent('delete', path, known, firstSeenMs));
  }

  /** The known path this inode was renamed from, if it pairs reliably. */
  private async renameSource(
    path: string,
    read: EntrySnapshot,
  ): Promise<KnownFile | undefined> {
    const candidates = this.index
      .sameInode(read, path)
      .filter((c) => c.size === read.size && c.mtimeMs === read.mtimeMs);
    for (const candidate of candidates) {
      if (candidate.vanished) return candidate;
      // Its own change may not have settled yet: ask the disk.
      const now = await lstatEntry(candidate.path);
      const moved = !now || now.ino !== candidate.ino;
      if (moved && this.index.get(candidate.path)?.ino === candidate.ino) {
        return candidate;
      }
    }
    return undefined;
  }

  private claim(source: string): void {
    this.forget(source);
    this.index.delete(source);
    this.hooks.cancel(source);
  }
}

/** Rename and chmod keep these; any write changes at least the mtime. */
function sameContent(known: KnownFile, seen: EntrySnapshot): boolean {
  return (
    known.dev === seen.dev &&
    known.ino === seen.ino &&
    known.size === seen.size &&
    known.mtimeMs === seen.mtimeMs
  );
}
