import {
  closeSync,
  fsyncSync,
  openSync,
  readFileSync,
  renameSync,
  writeSync,
} from 'node:fs';
import { dirname } from 'node:path';
import { AuditError } from './errors.js';
import type { LostMark } from './loss-watch.js';

/**
 * Where reading resumes: a log file (by inode) and a byte offset at a line
 * start. No record after `offset` belongs to a group not yet handed on,
 * except the groups listed in `done`, which were handed on already and
 * must not be handed on again when their records are read a second time.
 */
export interface Checkpoint {
  inode: number;
  offset: number;
  /** Fingerprint of the file's first bytes, so a reused inode is not it. */
  head?: string;
  done: string[];
  /** The kernel's lost counter as far as it was reported. */
  lost?: LostMark;
}

/** The saved checkpoint, or undefined when there is none yet. */
export function readCheckpoint(file: string): Checkpoint | undefined {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw invalid(file, 'cannot be read', error);
  }
  let value: unknown;
  try {
    value = JSON.parse(text); // a damaged file must not become a SyntaxError
  } catch (error) {
    throw invalid(file, 'is not JSON', error);
  }
  if (!isCheckpoint(value)) {
    throw invalid(file, 'lacks inode, offset or done, or one is malformed');
  }
  const { inode, offset, head, done, lost } = value;
  return {
    inode,
    offset,
    ...(head === undefined ? {} : { head }),
    done,
    ...(lost === undefined
      ? {}
      : { lost: { boot: lost.boot, lost: lost.lost } }),
  };
}

/** Saves atomically: a crash leaves the old checkpoint or the new one. */
export function writeCheckpoint(file: string, checkpoint: Checkpoint): void {
  const tmp = `${file}.tmp`;
  const fd = openSync(tmp, 'w', 0o600);
  try {
    writeSync(fd, JSON.stringify({ version: 1, ...checkpoint }));
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(tmp, file);
  const dir = openSync(dirname(file), 'r');
  try {
    fsyncSync(dir); // makes the rename itself durable
  } finally {
    closeSync(dir);
  }
}

function isCheckpoint(value: unknown): value is Checkpoint {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Record<string, unknown>;
  return (
    Number.isSafeInteger(v.inode) &&
    Number.isSafeInteger(v.offset) &&
    (v.offset as number) >= 0 &&
    (v.head === undefined || typeof v.head === 'string') &&
    Array.isArray(v.done) &&
    v.done.every((key) => typeof key === 'string') &&
    (v.lost === undefined || isLostMark(v.lost))
  );
}

function isLostMark(value: unknown): value is LostMark {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Record<string, unknown>;
  return (
    typeof v.boot === 'string' &&
    Number.isSafeInteger(v.lost) &&
    (v.lost as number) >= 0
  );
}

function invalid(file: string, why: string, cause?: unknown): AuditError {
  return new AuditError(
    'VIGIL_AUDIT_CHECKPOINT_INVALID',
    `audit checkpoint ${file} ${why}`,
    { cause },
  );
}
