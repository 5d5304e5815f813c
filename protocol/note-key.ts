import {
  createHash,
  createPrivateKey,
  createPublicKey,
  generateKeyPairSync,
  type KeyObject,
} from 'node:crypto';
import { decodeBase64 } from './base64.js';
import { NoteError } from './note-error.js';

/** Signature type byte of Ed25519 note signatures (c2sp.org/signed-note). */
export const NOTE_ED25519 = 0x01;

const ED25519_KEY_BYTES = 32;
const KEY_ID_HEX = /^[0-9a-f]{8}$/;

/** A key that may sign notes, as a verifier knows it. */
export interface VerifierKey {
  /** The key name, for example `vigil.example/log`. */
  name: string;
  /** 4-byte key ID (see noteKeyId). */
  keyId: Buffer;
  /** Raw 32-byte Ed25519 public key. */
  publicKey: Buffer;
}

/** A fresh Ed25519 note key; only the PEM holds the private half. */
export interface NoteKey {
  privateKeyPem: string;
  publicKey: Buffer;
  /** `name+keyid+base64(0x01 || key)`, for formatVerifierKey's readers. */
  verifierKey: string;
}

/**
 * The key ID of an Ed25519 note key: the first 4 bytes of
 * SHA-256(name || 0x0A || 0x01 || public key) (c2sp.org/signed-note).
 */
export function noteKeyId(name: string, publicKey: Uint8Array): Buffer {
  checkKeyName(name);
  checkPublicKey(publicKey);
  return createHash('sha256')
    .update(name, 'utf8')
    .update(Buffer.from([0x0a, NOTE_ED25519]))
    .update(publicKey)
    .digest()
    .subarray(0, 4);
}

/** The verifier key text `name+hex(keyid)+base64(0x01 || public key)`. */
export function formatVerifierKey(name: string, publicKey: Uint8Array): string {
  const id = noteKeyId(name, publicKey).toString('hex');
  const key = Buffer.concat([Buffer.from([NOTE_ED25519]), publicKey]);
  return `${name}+${id}+${key.toString('base64')}`;
}

/**
 * Reads a verifier key made by formatVerifierKey (the format Go's
 * sumdb/note uses). Throws VIGIL_NOTE_KEY_INVALID when it is malformed, is
 * not Ed25519, or its key ID does not match its name and key.
 */
export function parseVerifierKey(text: string): VerifierKey {
  // Only the first two '+' separate: base64 uses '+' too.
  const match =
    typeof text === 'string' ? /^([^+]*)\+([^+]*)\+(.*)$/s.exec(text) : null;
  const [, name, idHex, keyB64] = match ?? [];
  if (!match || name === undefined || name === '') {
    throw keyInvalid('a verifier key is name+keyid+key, in three parts');
  }
  checkKeyName(name);
  if (!KEY_ID_HEX.test(idHex ?? '')) {
    throw keyInvalid(`verifier key ${name}: the key ID is not 8 hex digits`);
  }
  const key = decodeBase64(keyB64);
  if (key?.length !== 1 + ED25519_KEY_BYTES || key[0] !== NOTE_ED25519) {
    throw keyInvalid(`verifier key ${name}: not a base64 Ed25519 key`);
  }
  const publicKey = key.subarray(1);
  const keyId = noteKeyId(name, publicKey);
  if (keyId.toString('hex') !== idHex) {
    throw keyInvalid(
      `verifier key ${name}: key ID ${idHex} does not match the key ` +
        `(${keyId.toString('hex')})`,
    );
  }
  try {
    ed25519PublicKey(publicKey);
  } catch (error) {
    throw keyInvalid(`verifier key ${name}: not an Ed25519 key`, error);
  }
  return { name, keyId, publicKey: Buffer.from(publicKey) };
}

/** Makes an Ed25519 key pair for signing notes under `name`. */
export function generateNoteKey(name: string): NoteKey {
  checkKeyName(name);
  const pair = generateKeyPairSync('ed25519');
  const publicKey = rawPublicKey(pair.publicKey);
  return {
    privateKeyPem: pair.privateKey
      .export({ type: 'pkcs8', format: 'pem' })
      .toString(),
    publicKey,
    verifierKey: formatVerifierKey(name, publicKey),
  };
}

/**
 * The Ed25519 private key in `key` (a KeyObject or PKCS#8 PEM) and its raw
 * public key. Throws VIGIL_NOTE_KEY_INVALID for anything else.
 */
export function notePrivateKey(key: KeyObject | string): {
  privateKey: KeyObject;
  publicKey: Buffer;
} {
  let privateKey: KeyObject;
  try {
    privateKey = typeof key === 'string' ? createPrivateKey(key) : key;
  } catch (error) {
    throw keyInvalid('the note signing key cannot be read', error);
  }
  if (
    privateKey.type !== 'private' ||
    privateKey.asymmetricKeyType !== 'ed25519'
  ) {
    throw keyInvalid('the note signing key is not an Ed25519 private key');
  }
  return { privateKey, publicKey: rawPublicKey(createPublicKey(privateKey)) };
}

/** A node:crypto public key from a raw 32-byte Ed25519 key. */
export function ed25519PublicKey(raw: Uint8Array): KeyObject {
  const x = Buffer.from(raw).toString('base64url');
  return createPublicKey({
    key: { kty: 'OKP', crv: 'Ed25519', x },
    format: 'jwk',
  });
}

/**
 * Throws VIGIL_NOTE_KEY_INVALID unless `name` is a key name: non-empty
 * well-formed text without Unicode spaces, `+` or control characters.
 */
export function checkKeyName(name: string): void {
  if (!isKeyName(name)) {
    throw keyInvalid(
      'a key name must be non-empty, without spaces, "+" or control characters',
    );
  }
}

/** Whether `name` is acceptable as a note key name (see checkKeyName). */
export function isKeyName(name: unknown): name is string {
  return (
    typeof name === 'string' &&
    name !== '' &&
    !/[\p{White_Space}+\p{Cc}\p{Cs}]/u.test(name)
  );
}

function rawPublicKey(key: KeyObject): Buffer {
  const jwk = key.export({ format: 'jwk' });
  return Buffer.from(jwk.x ?? '', 'base64url');
}

function checkPublicKey(publicKey: Uint8Array): void {
  if (
    !(publicKey instanceof Uint8Array) ||
    publicKey.length !== ED25519_KEY_BYTES
  ) {
    throw keyInvalid('an Ed25519 public key has 32 bytes');
  }
}

function keyInvalid(message: string, cause?: unknown): NoteError {
  return new NoteError('VIGIL_NOTE_KEY_INVALID', message, { cause });
}
