import { closeSync, openSync, readSync } from 'node:fs';
import { BundleError } from '../protocol/bundle-error.js';
import { NOTE_MAX_BYTES } from '../protocol/signed-note.js';

/** Largest certificate file `readPemFile` reads: a CA chain is a few KiB. */
export const PEM_MAX_BYTES = 1024 * 1024;

/**
 * Reads a signed note a user kept (`--since-checkpoint FILE`) and undoes
 * what saving it may have added: a UTF-8 byte order mark, CRLF line ends
 * (an editor on Windows) and extra newlines at the end (`jq -r` adds one).
 * The result ends with exactly one "\n", as the note was signed; its
 * signatures are then checked by whoever opens it. A file that cannot be
 * read, or is larger than a note may be, is a VIGIL_BUNDLE_UNREADABLE
 * naming `what` (the option).
 */
export function readNoteFile(file: string, what: string): string {
  // CRLF line ends may double a note's size before they are undone.
  const text = readBounded(file, what, 2 * NOTE_MAX_BYTES, 'a signed note');
  return text
    .replace(/^\uFEFF/, '')
    .replace(/\r\n/g, '\n')
    .replace(/\n*$/, '\n');
}

/**
 * Reads a PEM file (`--ca FILE`) as text, refusing one larger than
 * `maxBytes` (default 1 MiB) before reading it whole: `--ca /dev/zero`
 * would otherwise read without end. At most `maxBytes + 1` bytes are read.
 */
export function readPemFile(
  file: string,
  what: string,
  maxBytes = PEM_MAX_BYTES,
): string {
  return readBounded(file, what, maxBytes, 'a certificate');
}

function readBounded(
  file: string,
  what: string,
  maxBytes: number,
  kind: string,
): string {
  const bytes = readAtMost(file, what, maxBytes + 1);
  if (bytes.length > maxBytes) {
    throw new BundleError(
      'VIGIL_BUNDLE_UNREADABLE',
      `${what}: ${file} is larger than ${sizeText(maxBytes)}; is it ${kind}?`,
    );
  }
  return bytes.toString('utf8');
}

/** The first `limit` bytes of `file` (all of it when shorter). */
function readAtMost(file: string, what: string, limit: number): Buffer {
  const buffer = Buffer.alloc(limit);
  let length = 0;
  try {
    const fd = openSync(file, 'r');
    try {
      for (;;) {
        const read = readSync(fd, buffer, length, limit - length, null);
        length += read;
        if (read === 0 || length === limit) break;
      }
    } finally {
      closeSync(fd);
    }
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? 'unknown error';
    throw new BundleError(
      'VIGIL_BUNDLE_UNREADABLE',
      `${what}: ${file} could not be read (${code})`,
      { cause: error },
    );
  }
  return buffer.subarray(0, length);
}

function sizeText(bytes: number): string {
  const mib = bytes / (1024 * 1024);
  return Number.isInteger(mib) ? `${mib} MiB` : `${bytes} bytes`;
}
