import { createHash } from 'node:crypto';
import { constants, type Stats } from 'node:fs';
import { lstat, open, type FileHandle } from 'node:fs/promises';

/**
 * Files above this size get no sha256: hashing 64 MiB costs about a fifth
 * of a second of CPU, and the agent must stay light on the vendor's host.
 */
export const FS_HASH_MAX_BYTES = 64 * 1024 * 1024;
/** Read size while hashing. */
const HASH_CHUNK_BYTES = 256 * 1024;
// O_NONBLOCK so that opening a FIFO that replaced the file cannot hang.
const OPEN_FLAGS =
  constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK;

/** What the sensor knows about one non-directory entry. */
export interface EntrySnapshot {
  dev: number;
  ino: number;
  size: number;
  mtimeMs: number;
  /** st_mode with type bits. */
  mode: number;
  uid: number;
  sha256?: string;
}

/** Content as read, or why it could not be read consistently. */
export type HashResult = EntrySnapshot | 'gone' | 'unstable';

export function snapshotOf(stats: Stats): EntrySnapshot {
  const { dev, ino, size, mtimeMs, mode, uid } = stats;
  return { dev, ino, size, mtimeMs, mode, uid };
}

export function isRegular(entry: EntrySnapshot): boolean {
  return (entry.mode & constants.S_IFMT) === constants.S_IFREG;
}

/** The entry at `path` now; undefined when nothing but a directory is there. */
export async function lstatEntry(
  path: string,
): Promise<EntrySnapshot | undefined> {
  try {
    const stats = await lstat(path);
    return stats.isDirectory() ? undefined : snapshotOf(stats);
  } catch (error) {
    if (isGone(error)) return undefined;
    throw error;
  }
}

/**
 * Hashes the regular file that `seen` describes, streaming it. 'unstable'
 * when the file was replaced or changed while it was read: the caller looks
 * again later rather than report a hash of mixed content.
 */
export async function hashEntry(
  path: string,
  seen: EntrySnapshot,
  maxBytes = FS_HASH_MAX_BYTES,
): Promise<HashResult> {
  if (!isRegular(seen)) return seen;
  let handle: FileHandle;
  try {
    handle = await open(path, OPEN_FLAGS);
  } catch (error) {
    if (isGone(error)) return 'gone';
    // ELOOP: a symlink took the file's place since lstat.
    if (hasCode(error, 'ELOOP')) return 'unstable';
    // Unreadable to the agent: still an access worth reporting, unhashed.
    if (hasCode(error, 'EACCES') || hasCode(error, 'EPERM')) return seen;
    throw error;
  }
  try {
    return await hashOpen(handle, seen, maxBytes);
  } finally {
    await handle.close();
  }
}

async function hashOpen(
  handle: FileHandle,
  seen: EntrySnapshot,
  maxBytes: number,
): Promise<HashResult> {
  const before = snapshotOf(await handle.stat());
  if (before.ino !== seen.ino || !isRegular(before)) return 'unstable';
  if (before.size > maxBytes) return before;
  const sha256 = await digest(handle, maxBytes);
  const after = snapshotOf(await handle.stat());
  if (after.size !== before.size || after.mtimeMs !== before.mtimeMs) {
    return 'unstable';
  }
  return sha256 === undefined ? after : { ...after, sha256 };
}

/** SHA-256 of the whole file, or undefined once it grows past `maxBytes`. */
async function digest(
  handle: FileHandle,
  maxBytes: number,
): Promise<string | undefined> {
  const hash = createHash('sha256');
  const buffer = Buffer.alloc(HASH_CHUNK_BYTES);
  let total = 0;
  for (;;) {
    const { bytesRead } = await handle.read(buffer, 0, buffer.length, total);
    if (bytesRead === 0) return hash.digest('hex');
    total += bytesRead;
    if (total > maxBytes) return undefined;
    hash.update(buffer.subarray(0, bytesRead));
  }
}

function isGone(error: unknown): boolean {
  return hasCode(error, 'ENOENT') || hasCode(error, 'ENOTDIR');
}

export function hasCode(error: unknown, code: string): boolean {
  return error instanceof Error && (error as { code?: unknown }).code === code;
}
