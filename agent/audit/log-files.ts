import { createHash } from 'node:crypto';
import { closeSync, openSync, readSync, statSync } from 'node:fs';

/** One file of the audit log, known by its inode across renames. */
export interface LogFile {
  path: string;
  inode: number;
}

/** auditd keeps at most this many rotated logs (num_logs tops out at 999). */
const MAX_ROTATED_LOGS = 999;

/**
 * The log and its rotated copies, oldest first: audit.log.N … audit.log.1,
 * then audit.log itself (auditd rotates by renaming .1 to .2 and so on).
 */
export function logGeneration(logFile: string): LogFile[] {
  const files: LogFile[] = [];
  for (let n = 1; n <= MAX_ROTATED_LOGS; n += 1) {
    const inode = inodeOf(`${logFile}.${n}`);
    if (inode === undefined) break;
    files.unshift({ path: `${logFile}.${n}`, inode });
  }
  const live = inodeOf(logFile);
  if (live !== undefined) files.push({ path: logFile, inode: live });
  return files;
}

/** The files written after the one with `inode`, or just the live log. */
export function filesAfter(logFile: string, inode: number): LogFile[] {
  const files = logGeneration(logFile);
  const at = files.findIndex((file) => file.inode === inode);
  return at === -1 ? files.slice(-1) : files.slice(at + 1);
}

export function inodeOf(path: string): number | undefined {
  try {
    return statSync(path).ino;
  } catch {
    return undefined;
  }
}

/**
 * Bytes of a log's start that identify it. The kernel reuses a deleted
 * file's inode at once, so after rotations an inode alone can name a
 * different log; its first record (unique time and serial) cannot.
 */
export const HEAD_BYTES = 256;

/** "<length>:<sha256>" of the first HEAD_BYTES bytes (fewer if shorter). */
export function headOf(fd: number, length = HEAD_BYTES): string {
  const buffer = Buffer.alloc(length);
  const read = readSync(fd, buffer, 0, length, 0);
  const hash = createHash('sha256').update(buffer.subarray(0, read));
  return `${read}:${hash.digest('hex')}`;
}

/** Whether the file at `path` starts with the bytes `head` was taken of. */
export function hasHead(path: string, head: string): boolean {
  const length = Number(head.split(':')[0]);
  if (!Number.isSafeInteger(length) || length < 0 || length > HEAD_BYTES) {
    return false;
  }
  let fd: number | undefined;
  try {
    fd = openSync(path, 'r');
    return headOf(fd, length) === head;
  } catch {
    return false;
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}
