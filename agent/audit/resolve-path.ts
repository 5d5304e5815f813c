import { posix } from 'node:path';
import type { PathCache } from './path-cache.js';
import type { PathItem } from './path-items.js';

export interface ResolveContext {
  /** The process's working directory (CWD record), absolute. */
  cwd: string;
  /** True when a relative name started from a directory fd, not the cwd. */
  viaDirfd: boolean;
  cache: PathCache;
}

/**
 * The absolute, normalised path an item names. Relative names start from
 * the cwd, or, under a directory fd, from the parent directory's path as
 * learnt from earlier events (the kernel prints the cwd there instead).
 */
export function resolveItem(
  item: PathItem,
  parent: PathItem | undefined,
  ctx: ResolveContext,
): string | undefined {
  const { name } = item;
  if (ctx.viaDirfd || name === null) {
    const known = fromCache(item, parent, ctx.cache);
    if (known !== undefined) return known;
  }
  if (name === null) return undefined;
  // Known gap: a name relative to an unseen directory fd resolves from the
  // cwd, which is wrong; it matters for tools like find and rm -r.
  return posix.resolve(ctx.cwd, name);
}

/** Where a symlink's text points, read from the link's own directory. */
export function resolveLinkText(text: string, linkPath: string): string {
  return posix.resolve(posix.dirname(linkPath), text);
}

/**
 * Remembers the paths this event proved: names given absolute or from the
 * cwd. A deleted inode is forgotten, since the kernel may reuse it.
 */
export function learnPaths(
  items: readonly PathItem[],
  ctx: ResolveContext,
  resolved: ReadonlyMap<PathItem, string>,
  deleted: boolean,
): void {
  for (const item of items) {
    if (item.inode === undefined || item.dev === undefined) continue;
    if (deleted && item.nametype === 'DELETE') {
      ctx.cache.delete(item.dev, item.inode);
      continue;
    }
    const path = resolved.get(item) ?? trustedPath(item, ctx);
    if (path !== undefined) ctx.cache.set(item.dev, item.inode, path);
  }
}

function trustedPath(item: PathItem, ctx: ResolveContext): string | undefined {
  if (item.name === null || item.nametype === 'UNKNOWN') return undefined;
  if (ctx.viaDirfd && item.nametype === 'PARENT') return undefined;
  if (ctx.viaDirfd && !item.name.startsWith('/')) return undefined;
  return posix.resolve(ctx.cwd, item.name);
}

function fromCache(
  item: PathItem,
  parent: PathItem | undefined,
  cache: PathCache,
): string | undefined {
  const { name } = item;
  if (name !== null && name.startsWith('/') && item.nametype !== 'PARENT') {
    return posix.resolve(name);
  }
  if (name !== null && parent?.inode !== undefined && parent.dev) {
    const dir = cache.get(parent.dev, parent.inode);
    if (dir !== undefined) return posix.resolve(dir, name);
  }
  if (item.inode === undefined || item.dev === undefined) return undefined;
  const own = cache.get(item.dev, item.inode);
  if (own === undefined || name === null || item.nametype === 'PARENT') {
    return own;
  }
  return own.endsWith(`/${posix.normalize(name)}`) ? own : undefined;
}
