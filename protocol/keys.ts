import {
  createHash,
  createPrivateKey,
  createPublicKey,
  generateKeyPairSync,
  type KeyObject,
} from 'node:crypto';
import { ProtocolError } from './errors.js';

/** RSA modulus size of every key Vigil makes, in bits. */
export const RSA_KEY_BITS = 3072;

/**
 * Makes an RSA key pair with OpenSSL: private key as PKCS#8 PEM, public key
 * as SPKI PEM.
 * @param bits modulus size; default RSA_KEY_BITS (3072)
 */
export function generateRsaKeyPair(bits: number = RSA_KEY_BITS): {
  privateKeyPem: string;
  publicKeyPem: string;
} {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', {
    modulusLength: bits,
    publicKeyEncoding: { type: 'spki', format: 'pem' },
    privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
  });
  return { privateKeyPem: privateKey, publicKeyPem: publicKey };
}

/**
 * Key id: lowercase hex SHA-256 of the SubjectPublicKeyInfo DER. Accepts a
 * public key or a certificate PEM; both give the same id for the same key.
 */
export function keyId(publicKeyPemOrCertPem: string): string {
  const der = parsePublicKey(publicKeyPemOrCertPem).export({
    type: 'spki',
    format: 'der',
  });
  return createHash('sha256').update(der).digest('hex');
}

/** SPKI PEM of a public key, certificate or private key PEM. */
export function publicKeyPemOf(pem: string): string {
  return parsePublicKey(pem).export({ type: 'spki', format: 'pem' }).toString();
}

/** The RSA public key in a public key or certificate PEM. */
export function rsaPublicKey(pem: string): KeyObject {
  return requireRsa(parsePublicKey(pem), 'public');
}

/** The RSA private key in a PKCS#8 or PKCS#1 PEM. */
export function rsaPrivateKey(pem: string): KeyObject {
  let key: KeyObject;
  try {
    key = createPrivateKey(pem);
  } catch (error) {
    throw new ProtocolError(
      'VIGIL_KEY_INVALID',
      'private key PEM could not be parsed',
      { cause: error },
    );
  }
  return requireRsa(key, 'private');
}

function parsePublicKey(pem: string): KeyObject {
  try {
    // Node reads SPKI, PKCS#1, certificates, and derives from private keys.
    return createPublicKey(pem);
  } catch (error) {
    throw new ProtocolError(
      'VIGIL_KEY_INVALID',
      'public key or certificate PEM could not be parsed',
      { cause: error },
    );
  }
}

// Vigil signs with RSA-PSS and wraps with RSA-OAEP only; an EC key would
// silently switch algorithms under the same padding options.
function requireRsa(key: KeyObject, kind: string): KeyObject {
  if (key.asymmetricKeyType !== 'rsa') {
    throw new ProtocolError(
      'VIGIL_KEY_INVALID',
      `${kind} key is ${key.asymmetricKeyType ?? 'unknown'}; RSA required`,
    );
  }
  return key;
}
