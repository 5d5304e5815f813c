import { accessSync, constants, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { writeFileAtomic } from '../atomic-file.js';
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
 * Writes the report whole or not at all, at mode 0600, replacing a symlink
 * at `out` rather than following it (see writeFileAtomic).
 */
export function writeReportFile(out: string, text: string): void {
  try {
    writeFileAtomic(out, text, REPORT_FILE_MODE);
  } catch (error) {
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
