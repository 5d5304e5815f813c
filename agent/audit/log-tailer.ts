import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { AuditError } from './errors.js';
import {
  filesAfter,
  hasHead,
  HEAD_BYTES,
  headOf,
  inodeOf,
  logGeneration,
  type LogFile,
} from './log-files.js';

/**
 * Bytes read per step; an audit record is at most about 9 KiB. The buffer
 * stays resident once a backlog has filled it, so it is kept small.
 */
export const TAIL_CHUNK_BYTES = 1 << 18;

export interface TailPosition {
  inode: number;
  /** Byte offset of the first line not yet read. */
  offset: number;
  /** The file's first bytes, hashed (headOf): a reused inode is not it. */
  head?: string;
}

export interface LogLine {
  text: string;
  /** Byte offset where the line starts in its file. */
  offset: number;
  /**
   * Where the line starts counted across every file read since open(): it
   * orders lines of different files, and positionAt() maps it back.
   */
  at: number;
}

/** One step of reading: whole lines, a move to the next file, or nothing. */
export type TailStep =
  | { kind: 'lines'; lines: LogLine[] }
  | { kind: 'next-file' }
  | { kind: 'idle' };

interface OpenLog {
  fd: number;
  inode: number;
  offset: number;
  head: string;
  /** The file auditd writes now; the others are finished rotations. */
  live: boolean;
  /** `at` of the file's first byte; set once the file before it is done. */
  base: number;
}

/** A file read to its end, kept while a position may still point into it. */
interface DoneLog {
  inode: number;
  head: string;
  base: number;
  end: number;
}

/**
 * Follows the audit log by polling. Rotation (a new inode at the log's
 * path) or truncation (the file shrank) is noticed when the current file
 * has no more lines; a rotated file is read to its end before moving on.
 */
export class LogTailer {
  private files: OpenLog[] = [];
  private done: DoneLog[] = [];
  private readonly buffer = Buffer.allocUnsafe(TAIL_CHUNK_BYTES);

  constructor(private readonly logFile: string) {}

  /**
   * Opens at `position`, or at the end of the live log when there is none.
   * Returns false when the position's file was rotated away meanwhile, in
   * which case reading starts at the oldest log still on disk.
   */
  open(position?: TailPosition): boolean {
    const generation = logGeneration(this.logFile);
    if (generation.at(-1)?.path !== this.logFile) {
      throw new AuditError(
        'VIGIL_AUDIT_LOG_UNREADABLE',
        `audit log ${this.logFile} does not exist`,
      );
    }
    if (position === undefined) {
      this.files = [this.openLog(generation.at(-1)!, -1)];
      return true;
    }
    const at = generation.findIndex(
      (f) =>
        f.inode === position.inode &&
        (position.head === undefined || hasHead(f.path, position.head)),
    );
    const chain = generation.slice(Math.max(at, 0));
    this.files = chain.map((file, i) =>
      this.openLog(file, i === 0 && at !== -1 ? position.offset : 0),
    );
    return at !== -1;
  }

  /** Where reading stands: the current file and the end of its last line. */
  position(): TailPosition {
    const current = this.files[0];
    if (current === undefined) return { inode: 0, offset: 0 };
    if (!current.head.startsWith(`${HEAD_BYTES}:`)) {
      current.head = headOf(current.fd); // the file has grown since
    }
    const { inode, offset, head } = current;
    return { inode, offset, head };
  }

  /** The `at` of the first byte not yet read. */
  reached(): number {
    const current = this.files[0];
    return current === undefined ? 0 : current.base + current.offset;
  }

  /**
   * The file and offset of `at` (at most reached()), which may lie in a
   * file already read to its end. Files wholly before `at` are forgotten,
   * so `at` must not decrease from one call to the next.
   */
  positionAt(at: number): TailPosition {
    this.done = this.done.filter((file) => file.end > at);
    const old = this.done.find((file) => file.base <= at);
    if (old !== undefined) {
      return { inode: old.inode, offset: at - old.base, head: old.head };
    }
    const current = this.position();
    const base = this.files[0]?.base ?? 0;
    return { ...current, offset: Math.max(0, at - base) };
  }

  read(): TailStep {
    const current = this.files[0];
    if (current === undefined) return { kind: 'idle' };
    const lines = this.readLines(current);
    if (lines.length > 0) return { kind: 'lines', lines };
    if (!current.live) {
      this.retire(current);
      closeSync(current.fd);
      this.files.shift();
      const next = this.files[0];
      if (next !== undefined) next.base = current.base + current.offset;
      return { kind: 'next-file' };
    }
    return this.checkRotation(current);
  }

  close(): void {
    for (const file of this.files) closeSync(file.fd);
    this.files = [];
    this.done = [];
  }

  private retire(file: OpenLog): void {
    const { inode, base, offset } = file;
    const head = headOf(file.fd); // the file is complete: a full fingerprint
    this.done.push({ inode, head, base, end: base + offset });
  }

  private checkRotation(current: OpenLog): TailStep {
    const inode = inodeOf(this.logFile);
    if (inode === undefined) return { kind: 'idle' }; // mid-rotation
    if (inode !== current.inode) {
      // Finish this file first: auditd may have written to it meanwhile.
      current.live = false;
      const next = filesAfter(this.logFile, current.inode);
      this.files.push(...next.map((file) => this.openLog(file, 0)));
      return this.read();
    }
    if (fstatSync(current.fd).size < current.offset) {
      // Truncated in place: read it again from the top, as a new file.
      const { inode, head, base, offset } = current;
      this.done.push({ inode, head, base, end: base + offset });
      current.base += current.offset;
      current.offset = 0;
      current.head = headOf(current.fd);
      return { kind: 'next-file' };
    }
    return { kind: 'idle' };
  }

  private readLines(file: OpenLog): LogLine[] {
    const size = readSync(
      file.fd,
      this.buffer,
      0,
      this.buffer.length,
      file.offset,
    );
    if (size === 0) return [];
    let end = this.buffer.lastIndexOf(10, size - 1) + 1;
    // A line longer than a chunk is garbage, and a finished file's last
    // line may lack its newline: either way it is taken as it is.
    if (end === 0 && size > 0 && (size === this.buffer.length || !file.live)) {
      end = size;
    }
    const lines: LogLine[] = [];
    let start = 0;
    while (start < end) {
      const newline = this.buffer.indexOf(10, start);
      const stop = newline === -1 || newline >= end ? end : newline;
      const offset = file.offset + start;
      lines.push({
        text: this.buffer.toString('utf8', start, stop),
        offset,
        at: file.base + offset,
      });
      start = stop + 1;
    }
    file.offset += end;
    return lines;
  }

  private openLog(file: LogFile, offset: number): OpenLog {
    let fd: number;
    try {
      fd = openSync(file.path, 'r');
    } catch (error) {
      throw new AuditError(
        'VIGIL_AUDIT_LOG_UNREADABLE',
        `audit log ${file.path} cannot be opened`,
        { cause: error },
      );
    }
    const { ino, size } = fstatSync(fd);
    // -1 asks for the end; an offset past the end means the file shrank.
    let start = offset;
    if (offset < 0) start = size;
    else if (offset > size) start = 0;
    const live = file.path === this.logFile;
    return { fd, inode: ino, offset: start, head: headOf(fd), live, base: 0 };
  }
}
