import {
  constants,
  createCipheriv,
  createDecipheriv,
  privateDecrypt,
  publicEncrypt,
  randomBytes,
  type KeyObject,
} from 'node:crypto';
import { decodeBase64 } from './base64.js';
import { ProtocolError } from './errors.js';

const CIPHER = 'aes-256-gcm';
const AES_KEY_BYTES = 32;
// 96-bit nonce and full 128-bit tag (NIST SP 800-38D sections 5.2.1.1, 5.2.1.2).
const GCM_IV_BYTES = 12;
const GCM_TAG_BYTES = 16;

/** The encrypted parts of an envelope, each base64. */
export interface SealedPayload {
  key: string;
  iv: string;
  tag: string;
  data: string;
}

/**
 * Encrypts `plaintext` with AES-256-GCM under a fresh key bound to `aad`,
 * and wraps that key with RSA-OAEP-SHA256 to `sealingKey`.
 */
export function encryptPayload(
  plaintext: Buffer,
  aad: Buffer,
  sealingKey: KeyObject,
): SealedPayload {
  const aesKey = randomBytes(AES_KEY_BYTES);
  const iv = randomBytes(GCM_IV_BYTES);
  const cipher = createCipheriv(CIPHER, aesKey, iv, {
    authTagLength: GCM_TAG_BYTES,
  });
  cipher.setAAD(aad);
  const data = Buffer.concat([cipher.update(plaintext), cipher.final()]);
  const key = publicEncrypt(oaep(sealingKey), aesKey);
  aesKey.fill(0);
  return {
    key: key.toString('base64'),
    iv: iv.toString('base64'),
    tag: cipher.getAuthTag().toString('base64'),
    data: data.toString('base64'),
  };
}

/**
 * Unwraps the AES key with `sealingKey` and decrypts, checking the tag over
 * ciphertext and `aad`. Throws VIGIL_ENVELOPE_INVALID (not base64),
 * VIGIL_ENVELOPE_UNWRAP_FAILED or VIGIL_ENVELOPE_DECRYPT_FAILED.
 */
export function decryptPayload(
  sealed: SealedPayload,
  aad: Buffer,
  sealingKey: KeyObject,
): Buffer {
  const iv = decodeField(sealed, 'iv');
  const tag = decodeField(sealed, 'tag');
  const data = decodeField(sealed, 'data');
  const aesKey = unwrapKey(decodeField(sealed, 'key'), sealingKey);
  try {
    const decipher = createDecipheriv(CIPHER, aesKey, iv, {
      authTagLength: GCM_TAG_BYTES,
    });
    decipher.setAAD(aad);
    decipher.setAuthTag(tag);
    return Buffer.concat([decipher.update(data), decipher.final()]);
  } catch (error) {
    throw new ProtocolError(
      'VIGIL_ENVELOPE_DECRYPT_FAILED',
      'envelope /data: does not authenticate against its key, header and tag',
      { cause: error },
    );
  } finally {
    aesKey.fill(0);
  }
}

function unwrapKey(wrapped: Buffer, sealingKey: KeyObject): Buffer {
  let aesKey: Buffer;
  try {
    aesKey = privateDecrypt(oaep(sealingKey), wrapped);
  } catch (error) {
    throw unwrapFailed('does not unwrap with the sealing key', error);
  }
  if (aesKey.length !== AES_KEY_BYTES) {
    aesKey.fill(0);
    throw unwrapFailed(`unwraps to ${aesKey.length} bytes, not 32`);
  }
  return aesKey;
}

// Fields whose decoded length is fixed by the cipher.
const FIXED_BYTES: Partial<Record<keyof SealedPayload, number>> = {
  iv: GCM_IV_BYTES,
  tag: GCM_TAG_BYTES,
};

function decodeField(sealed: SealedPayload, field: keyof SealedPayload) {
  const bytes = decodeBase64(sealed[field]);
  const expected = FIXED_BYTES[field];
  if (bytes === null || (expected && bytes.length !== expected)) {
    throw new ProtocolError(
      'VIGIL_ENVELOPE_INVALID',
      `envelope /${field}: is not base64 of the right length`,
    );
  }
  return bytes;
}

function oaep(key: KeyObject) {
  return { key, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: 'sha256' };
}

function unwrapFailed(reason: string, cause?: unknown): ProtocolError {
  return new ProtocolError(
    'VIGIL_ENVELOPE_UNWRAP_FAILED',
    `envelope /key: ${reason}`,
    { cause },
  );
}
