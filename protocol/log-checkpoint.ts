import type { KeyObject } from 'node:crypto';
import { decodeBase64 } from './base64.js';
import { NoteError } from './note-error.js';
import type { VerifierKey } from './note-key.js';
import { checkNoteText, openNote, signNote } from './signed-note.js';

export {
  formatVerifierKey,
  generateNoteKey,
  parseVerifierKey,
  type NoteKey,
  type VerifierKey,
} from './note-key.js';

const ROOT_HASH_BYTES = 32;
// c2sp.org/tlog-checkpoint: ASCII decimal, no leading zeroes except "0".
const TREE_SIZE = /^(0|[1-9][0-9]*)$/;

/** The body of a transparency log checkpoint (c2sp.org/tlog-checkpoint). */
export interface LogCheckpoint {
  /** The log's identity, for example `vigil.example/log`. */
  origin: string;
  /** Number of leaves in the tree. */
  size: number;
  /** RFC 6962 root of the tree at `size` (32 bytes). */
  rootHash: Buffer;
  /** Optional opaque extension lines, each non-empty. */
  extensions?: string[];
}

/** A checkpoint whose note signatures have been checked. */
export interface OpenedCheckpoint extends LogCheckpoint {
  /** Names of the trusted keys that signed it. */
  signedBy: string[];
}

/**
 * The checkpoint's note text: origin, size and base64 root hash, then any
 * extension lines, each line ending in a newline. Throws
 * VIGIL_CHECKPOINT_INVALID for a value parseCheckpoint would refuse.
 */
export function formatCheckpoint(checkpoint: LogCheckpoint): string {
  const { origin, size, rootHash, extensions = [] } = checkpoint;
  if (!Number.isSafeInteger(size) || size < 0) {
    throw invalid(`size must be an integer from 0 to 2^53 - 1, got ${size}`);
  }
  if (
    !(rootHash instanceof Uint8Array) ||
    rootHash.length !== ROOT_HASH_BYTES
  ) {
    throw invalid(`rootHash must have ${ROOT_HASH_BYTES} bytes`);
  }
  // One line each, or the text would read back as other fields.
  if ([origin, ...extensions].some((line) => /[\r\n]/.test(String(line)))) {
    throw invalid('origin and extension lines must not hold line breaks');
  }
  const lines = [
    origin,
    String(size),
    Buffer.from(rootHash).toString('base64'),
  ];
  const text = [...lines, ...extensions].map((line) => `${line}\n`).join('');
  parseCheckpoint(text);
  return text;
}

/**
 * Reads a checkpoint's note text strictly: a non-empty origin, a decimal
 * size without leading zeroes (at most 2^53 - 1), the base64 of a 32-byte
 * root hash, then optional non-empty extension lines, every line ending in
 * a newline. Throws VIGIL_CHECKPOINT_INVALID naming the bad line.
 */
export function parseCheckpoint(text: string): LogCheckpoint {
  try {
    checkNoteText(text);
  } catch (error) {
    throw invalid((error as Error).message, error);
  }
  const [origin = '', sizeText = '', rootText = '', ...extensions] = text
    .slice(0, -1)
    .split('\n');
  if (origin === '') throw invalid('line 1 (origin) is empty');
  if (!TREE_SIZE.test(sizeText)) {
    throw invalid('line 2 (tree size) is not a decimal without leading zeroes');
  }
  const size = Number(sizeText);
  if (!Number.isSafeInteger(size)) {
    throw invalid('line 2 (tree size) is larger than 2^53 - 1');
  }
  const rootHash = decodeBase64(rootText);
  if (rootHash?.length !== ROOT_HASH_BYTES) {
    throw invalid(
      `line 3 (root hash) is not base64 of ${ROOT_HASH_BYTES} bytes`,
    );
  }
  const empty = extensions.indexOf('');
  if (empty >= 0) throw invalid(`line ${empty + 4} (extension) is empty`);
  return {
    origin,
    size,
    rootHash,
    ...(extensions.length > 0 && { extensions }),
  };
}

/** Formats `checkpoint` and signs it as a note (see signNote). */
export function signCheckpoint(
  checkpoint: LogCheckpoint,
  name: string,
  privateKey: KeyObject | string,
): string {
  return signNote(formatCheckpoint(checkpoint), name, privateKey);
}

/**
 * Opens a signed checkpoint: checks its signatures as openNote does (same
 * errors), then parses its text as parseCheckpoint does. Whether the
 * origin is the expected log is for the caller to check.
 */
export function openCheckpoint(
  note: string | Uint8Array,
  verifiers: readonly VerifierKey[],
): OpenedCheckpoint {
  const { text, signedBy } = openNote(note, verifiers);
  return { ...parseCheckpoint(text), signedBy };
}

function invalid(message: string, cause?: unknown): NoteError {
  return new NoteError('VIGIL_CHECKPOINT_INVALID', message, { cause });
}
