import { constants, sign, verify, type KeyObject } from 'node:crypto';
import { decodeBase64 } from './base64.js';
import { canonicalBytes } from './canonical.js';
import { ProtocolError } from './errors.js';
import { rsaPrivateKey, rsaPublicKey } from './keys.js';

// RSA-PSS with SHA-256; OpenSSL uses the signature digest for MGF1 too
// (RFC 8017 section 9.1), and the salt is as long as the digest.
const DIGEST = 'sha256';
const PSS_SALT_BYTES = 32;

/**
 * Signs the RFC 8785 canonical form of `value` with RSA-PSS (SHA-256,
 * MGF1-SHA-256, 32-byte salt). Returns the signature in base64.
 */
export function signCanonical(value: unknown, privateKeyPem: string): string {
  const data = canonicalBytes(value);
  const key = rsaPrivateKey(privateKeyPem);
  return sign(DIGEST, data, pssOptions(key)).toString('base64');
}

/**
 * Checks a signature made by signCanonical. Throws VIGIL_SIGNATURE_INVALID
 * when it does not verify, is not base64, or the key cannot be read.
 */
export function verifyCanonical(
  value: unknown,
  signatureB64: string,
  publicKeyOrCertPem: string,
): void {
  const data = canonicalBytes(value);
  const signature = decodeBase64(signatureB64);
  if (signature === null || signature.length === 0) {
    throw invalid('signature is not base64');
  }
  let key: KeyObject;
  try {
    key = rsaPublicKey(publicKeyOrCertPem);
  } catch (error) {
    throw invalid('verification key could not be read', error);
  }
  let valid = false;
  try {
    valid = verify(DIGEST, data, pssOptions(key), signature);
  } catch (error) {
    throw invalid('signature could not be checked', error);
  }
  if (!valid) throw invalid('signature does not verify with the given key');
}

function pssOptions(key: KeyObject) {
  return {
    key,
    padding: constants.RSA_PKCS1_PSS_PADDING,
    saltLength: PSS_SALT_BYTES,
  };
}

function invalid(message: string, cause?: unknown): ProtocolError {
  return new ProtocolError('VIGIL_SIGNATURE_INVALID', message, { cause });
}
