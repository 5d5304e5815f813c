import { createHash } from 'node:crypto';
import { closeSync, openSync, readSync, statSync } from 'node:fs';

/** One file of the audit log, known by its inode across renames. */
export interface LogFile {
  path: string;
  inode: number;
}

/** auditd keeps at most this many rotated logs (num_logs tops out at 999). */
const MAX_ROTATED_LOGS = 999;

/** Pairs of scans taken before a generation is taken as it is. */
const MAX_ATTEMPTS = 100;
/** Pause after a pair that disagreed or showed a broken generation. */
const SCAN_PAUSE_MS = 2;
/** Agreeing pairs that accept a generation with a gap or no live log. */
const SETTLED_ATTEMPTS = 10;
const pause = new Int32Array(new SharedArrayBuffer(4));

/**
 * The log and its rotated copies, oldest first: audit.log.N … audit.log.1,
 * then audit.log itself (auditd rotates by renaming .1 to .2 and so on).
 *
 * A rotation is a run of renames, and a scan that overlaps it sees one file
 * twice, misses one, or finds no live log. Such a list would make the tailer
 * believe its file rotated away and read every log again, so it scans twice
 * in a row until both agree on a whole generation. One that stays broken
 * (someone deleted a rotated log) is taken once it has stopped changing.
 */
export function logGeneration(logFile: string): LogFile[] {
  let settled: LogFile[] = [];
  let settledFor = 0;
  let latest: LogFile[] = [];
  for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt += 1) {
    const first = scanGeneration(logFile);
    const second = scanGeneration(logFile);
    latest = second.files;
    if (sameFiles(first.files, second.files)) {
      if (second.whole) return second.files;
      settledFor = sameFiles(settled, second.files) ? settledFor + 1 : 1;
      settled = second.files;
      if (settledFor >= SETTLED_ATTEMPTS) return settled;
    }
    Atomics.wait(pause, 0, 0, SCAN_PAUSE_MS);
  }
  return latest; // a log that never holds still: take the latest view
}

function scanGeneration(logFile: string): { files: LogFile[]; whole: boolean } {
  const files: LogFile[] = [];
  let n = 1;
  for (; n <= MAX_ROTATED_LOGS; n += 1) {
    const inode = inodeOf(`${logFile}.${n}`);
    if (inode === undefined) break;
    files.unshift({ path: `${logFile}.${n}`, inode });
  }
  const live = inodeOf(logFile);
  if (live !== undefined) files.push({ path: logFile, inode: live });
  const inodes = new Set(files.map((file) => file.inode));
  const whole =
    live !== undefined &&
    inodes.size === files.length &&
    inodeOf(`${logFile}.${n + 1}`) === undefined; // no gap left by a rename
  return { files, whole };
}

function sameFiles(a: LogFile[], b: LogFile[]): boolean {
  return (
    a.length === b.length &&
    a.every((file, i) => file.path === b[i]!.path && file.inode === b[i]!.inode)
  );
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
