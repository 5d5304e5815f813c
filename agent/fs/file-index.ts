import { sep } from 'node:path';
import type { EntrySnapshot } from './file-snapshot.js';

/** A file the sensor has seen, by path, as last observed. */
export interface KnownFile extends EntrySnapshot {
  path: string;
  /** Gone from its path; reported as deleted unless a rename claims it. */
  vanished: boolean;
}

/**
 * The sensor's picture of the watched trees: every non-directory entry by
 * path, and by inode so that a rename can be paired with its source.
 */
export class FileIndex {
  private readonly byPath = new Map<string, KnownFile>();
  private readonly byInode = new Map<string, Set<string>>();

  get(path: string): KnownFile | undefined {
    return this.byPath.get(path);
  }

  set(path: string, entry: EntrySnapshot, vanished = false): KnownFile {
    this.delete(path);
    const known: KnownFile = { ...entry, path, vanished };
    this.byPath.set(path, known);
    const key = inodeKey(entry);
    const paths = this.byInode.get(key) ?? new Set<string>();
    paths.add(path);
    this.byInode.set(key, paths);
    return known;
  }

  delete(path: string): void {
    const known = this.byPath.get(path);
    if (!known) return;
    this.byPath.delete(path);
    const key = inodeKey(known);
    const paths = this.byInode.get(key);
    paths?.delete(path);
    if (paths?.size === 0) this.byInode.delete(key);
  }

  /** Other known paths that were last seen with this entry's inode. */
  sameInode(entry: EntrySnapshot, except: string): KnownFile[] {
    const paths = this.byInode.get(inodeKey(entry)) ?? [];
    const found: KnownFile[] = [];
    for (const path of paths) {
      const known = this.byPath.get(path);
      if (known && path !== except) found.push(known);
    }
    return found;
  }

  /** Known paths strictly inside directory `dir`. */
  under(dir: string): string[] {
    const prefix = dir.endsWith(sep) ? dir : dir + sep;
    return [...this.byPath.keys()].filter((path) => path.startsWith(prefix));
  }

  get size(): number {
    return this.byPath.size;
  }
}

function inodeKey(entry: EntrySnapshot): string {
  return `${entry.dev}:${entry.ino}`;
}
