import { realpathSync, statSync } from 'node:fs';
import { posix } from 'node:path';
import type { PathCache } from './path-cache.js';
import type { PathItem } from './path-items.js';

/**
 * The sensor's watched roots. A symlink outside them, or a hard link to a
 * watched file, is logged under the name the program used; this finds the
 * watched path that name reaches, so policies match what is protected.
 */
export class WatchedRoots {
  private readonly roots: string[];

  constructor(paths: readonly string[]) {
    this.roots = paths.map((p) => posix.resolve('/', p));
  }

  contains(path: string): boolean {
    return this.roots.some(
      (root) =>
        path === root || path.startsWith(root === '/' ? '/' : `${root}/`),
    );
  }

  /** The watched path that `name` (outside the roots) reaches, if known. */
  reach(name: string, item: PathItem, cache: PathCache): string | undefined {
    if (item.inode === undefined || item.dev === undefined) return undefined;
    const cached = cache.get(item.dev, item.inode);
    if (cached !== undefined && this.contains(cached)) return cached;
    const real = realPath(name);
    if (real !== undefined && this.contains(real)) return real;
    // A hard link has no real path of its own; a watched file root with the
    // same inode is the file it names.
    return this.roots.find((root) => sameFile(root, item));
  }
}

function realPath(name: string): string | undefined {
  try {
    return realpathSync(name);
  } catch {
    return undefined; // gone since the access
  }
}

function sameFile(path: string, item: PathItem): boolean {
  try {
    const st = statSync(path);
    return st.ino === item.inode && deviceName(st.dev) === item.dev;
  } catch {
    return false;
  }
}

/** A Linux dev_t as the audit log prints it: hex "major:minor". */
export function deviceName(dev: number): string {
  const major = ((dev >>> 8) & 0xfff) | (Math.floor(dev / 2 ** 32) & ~0xfff);
  const minor = (dev & 0xff) | ((dev >>> 12) & ~0xff & 0xfffff);
  const hex = (n: number) => n.toString(16).padStart(2, '0');
  return `${hex(major)}:${hex(minor)}`;
}
