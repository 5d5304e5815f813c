import { sign, verify, type KeyObject } from 'node:crypto';
import { decodeBase64 } from './base64.js';
import { NoteError } from './note-error.js';
import {
  ed25519PublicKey,
  isKeyName,
  noteKeyId,
  notePrivateKey,
  type VerifierKey,
} from './note-key.js';

export {
  formatVerifierKey,
  generateNoteKey,
  noteKeyId,
  parseVerifierKey,
  type NoteKey,
  type VerifierKey,
} from './note-key.js';

/** Most signature lines openNote reads; the spec asks for at least 16. */
export const NOTE_MAX_SIGNATURES = 100;

/** Largest note openNote reads or signNote writes, in bytes (1 MiB). */
export const NOTE_MAX_BYTES = 1024 * 1024;

// "— " : U+2014 EM DASH and a space start every signature line.
const SIGNATURE_PREFIX = '\u2014 ';
const ED25519_SIGNATURE_BYTES = 64;

/** A note whose signatures have been checked. */
export interface OpenedNote {
  /** The signed text, ending in a newline. */
  text: string;
  /** Names of the trusted keys whose signatures verified, in note order. */
  signedBy: string[];
}

interface SignatureLine {
  name: string;
  keyId: Buffer;
  signature: Buffer;
}

/**
 * Signs `text` (non-empty, ending in a newline) with an Ed25519 key named
 * `name` and returns the signed note: the text, a blank line and
 * "— name base64(keyid || signature)" (c2sp.org/signed-note).
 */
export function signNote(
  text: string,
  name: string,
  privateKey: KeyObject | string,
): string {
  checkNoteText(text);
  const key = notePrivateKey(privateKey);
  const keyId = noteKeyId(name, key.publicKey);
  const signature = sign(null, Buffer.from(text, 'utf8'), key.privateKey);
  const encoded = Buffer.concat([keyId, signature]).toString('base64');
  return `${text}\n${SIGNATURE_PREFIX}${name} ${encoded}\n`;
}

/**
 * Parses a signed note strictly and checks its signatures against
 * `verifiers`. As the spec requires, signatures by keys not among them are
 * ignored. Throws VIGIL_NOTE_MALFORMED for a note that breaks the format
 * (not UTF-8, a control character, no blank line, a bad signature line,
 * more than NOTE_MAX_SIGNATURES), VIGIL_NOTE_SIGNATURE_INVALID when a
 * trusted key's signature does not verify, and VIGIL_NOTE_UNVERIFIED when
 * no trusted key signed it.
 */
export function openNote(
  note: string | Uint8Array,
  verifiers: readonly VerifierKey[],
): OpenedNote {
  const whole = decodeNote(note);
  // The text ends at the last blank line: it may hold blank lines itself.
  const split = whole.lastIndexOf('\n\n');
  if (split < 0) {
    throw malformed('no blank line separates the text from the signatures');
  }
  const text = whole.slice(0, split + 1);
  const lines = signatureLines(whole.slice(split + 2));
  const signedBy = checkSignatures(text, lines, verifiers);
  if (signedBy.length === 0) {
    const trusted = verifiers.map((v) => v.name).join(', ') || 'none';
    throw new NoteError(
      'VIGIL_NOTE_UNVERIFIED',
      `none of the note's ${lines.length} signatures is by a trusted key ` +
        `(trusted: ${trusted})`,
    );
  }
  return { text, signedBy };
}

// Untrusted bytes become a string only if they are exactly UTF-8 and obey
// the note's character rules; a domain error otherwise.
function decodeNote(note: string | Uint8Array): string {
  let text: string;
  if (typeof note === 'string') {
    text = note;
    if (/\p{Cs}/u.test(text)) throw malformed('the note is not valid UTF-8');
  } else if (note instanceof Uint8Array) {
    if (note.length > NOTE_MAX_BYTES) throw tooLarge();
    try {
      const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
      text = utf8.decode(note);
    } catch (error) {
      throw malformed('the note is not valid UTF-8', error);
    }
  } else {
    throw malformed('a note is text');
  }
  if (Buffer.byteLength(text, 'utf8') > NOTE_MAX_BYTES) throw tooLarge();
  if (hasControlCharacter(text)) {
    throw malformed('the note holds a control character other than newline');
  }
  return text;
}

function signatureLines(block: string): SignatureLine[] {
  if (block === '') throw malformed('the note has no signature lines');
  if (!block.endsWith('\n')) {
    throw malformed('the last signature line does not end in a newline');
  }
  const lines = block.slice(0, -1).split('\n');
  if (lines.length > NOTE_MAX_SIGNATURES) {
    throw malformed(
      `the note has ${lines.length} signatures, more than the ` +
        `${NOTE_MAX_SIGNATURES} accepted`,
    );
  }
  return lines.map((line, i) => signatureLine(line, i + 1));
}

function signatureLine(line: string, n: number): SignatureLine {
  if (!line.startsWith(SIGNATURE_PREFIX)) {
    throw malformed(`signature line ${n} does not start with "— "`);
  }
  const fields = line.slice(SIGNATURE_PREFIX.length).split(' ');
  const [name, encoded] = fields;
  if (fields.length !== 2 || !isKeyName(name)) {
    throw malformed(`signature line ${n} is not "— <key name> <signature>"`);
  }
  const bytes = decodeBase64(encoded);
  if (bytes === null || bytes.length < 5) {
    throw malformed(
      `signature line ${n} (${name}): the signature is not base64 of a ` +
        'key ID and a signature',
    );
  }
  return { name, keyId: bytes.subarray(0, 4), signature: bytes.subarray(4) };
}

function checkSignatures(
  text: string,
  lines: readonly SignatureLine[],
  verifiers: readonly VerifierKey[],
): string[] {
  const data = Buffer.from(text, 'utf8');
  const signedBy: string[] = [];
  for (const line of lines) {
    const key = verifiers.find(
      (v) => v.name === line.name && v.keyId.equals(line.keyId),
    );
    // A key is known by its name and ID together; anything else is ignored.
    if (key === undefined) continue;
    if (!ed25519Verifies(data, line.signature, key)) {
      throw new NoteError(
        'VIGIL_NOTE_SIGNATURE_INVALID',
        `the signature by ${key.name} (key ID ${key.keyId.toString('hex')}) ` +
          'does not verify',
      );
    }
    if (!signedBy.includes(key.name)) signedBy.push(key.name);
  }
  return signedBy;
}

function ed25519Verifies(
  data: Buffer,
  signature: Buffer,
  key: VerifierKey,
): boolean {
  if (signature.length !== ED25519_SIGNATURE_BYTES) return false;
  return verify(null, data, ed25519PublicKey(key.publicKey), signature);
}

/** Throws VIGIL_NOTE_MALFORMED unless `text` can be a note's text. */
export function checkNoteText(text: string): void {
  if (typeof text !== 'string' || text === '' || !text.endsWith('\n')) {
    throw malformed('a note text must be non-empty and end in a newline');
  }
  if (/\p{Cs}/u.test(text)) throw malformed('the note text is not valid UTF-8');
  if (hasControlCharacter(text)) {
    throw malformed(
      'the note text holds a control character other than newline',
    );
  }
  if (Buffer.byteLength(text, 'utf8') > NOTE_MAX_BYTES) throw tooLarge();
}

// ASCII controls below U+0020 except newline (signed-note "Format").
function hasControlCharacter(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code < 0x20 && code !== 0x0a) return true;
  }
  return false;
}

function tooLarge(): NoteError {
  return malformed(`the note is larger than ${NOTE_MAX_BYTES} bytes`);
}

function malformed(message: string, cause?: unknown): NoteError {
  return new NoteError('VIGIL_NOTE_MALFORMED', message, { cause });
}
