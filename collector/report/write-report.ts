import { randomBytes } from 'node:crypto';
import {
  accessSync,
  closeSync,
  constants,
  fchmodSync,
  fsyncSync,
  openSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { CollectorError } from '../errors.js';

/** Reports name people and files: readable by their owner only. */
export const REPORT_FILE_MODE = 0o600;

/**
 * Refuses an `--out` that cannot be written before any work is done: its
 * folder must exist and be writable, and it must not be a folder itself.
 */
export function checkReportOut(out: string): void {
  const file = resolve(out);
  try {
    if (!statSync(dirname(file)).isDirectory()) throw codeError('ENOTDIR');
    accessSync(dirname(file), constants.W_OK);
  } catch (error) {
    throw unwritable(out, error);
  }
  if (statSync(file, { throwIfNoEntry: false })?.isDirectory()) {
    throw unwritable(out, codeError('EISDIR'));
  }
}

/**
 * Writes the report whole or not at all: into a new file of mode 0600
 * beside `out`, flushed, then renamed over it. A reader never sees half a
 * report, an old file's wider mode is not kept, and a symlink at `out` is
 * replaced rather than followed.
 */
export function writeReportFile(out: string, text: string): void {
  const file = resolve(out);
  const temp = join(
    dirname(file),
    `.${basename(file)}.${randomBytes(6).toString('hex')}.tmp`,
  );
  try {
    const fd = openSync(temp, 'wx', REPORT_FILE_MODE);
    try {
      fchmodSync(fd, REPORT_FILE_MODE); // whatever the umask
      writeFileSync(fd, text);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(temp, file);
  } catch (error) {
    rmSync(temp, { force: true });
    throw unwritable(out, error);
  }
}

function unwritable(out: string, error: unknown): CollectorError {
  const code = (error as NodeJS.ErrnoException).code ?? 'unknown error';
  return new CollectorError(
    'VIGIL_REPORT_OUT_UNWRITABLE',
    `--out: cannot write ${out.slice(0, 200)} (${code}); give a file in ` +
      'an existing folder you may write, or - for standard output',
    { cause: error },
  );
}

function codeError(code: string): NodeJS.ErrnoException {
  return Object.assign(new Error(code), { code });
}
