import {
  createHash,
  createPrivateKey,
  createPublicKey,
  generateKeyPairSync,
  type KeyObject,
} from 'node:crypto';
import { ProtocolError } from './errors.js';

/** Parsed keys kept by PEM text before a cache starts over. */
const KEYS_CACHED_MAX = 256;
// Parsing a 3072-bit PEM costs about as much as using the key once, and
// the collector uses the same few keys for every batch.
const publicKeys = new Map<string, KeyObject>();
const privateKeys = new Map<string, KeyObject>();

function cached(
  cache: Map<string, KeyObject>,
  pem: string,
  parse: (pem: string) => KeyObject,
): KeyObject {
  let key = cache.get(pem);
  if (key === undefined) {
    key = parse(pem);
    if (cache.size >= KEYS_CACHED_MAX) cache.clear();
    cache.set(pem, key);
  }
  return key;
}

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
  return cached(publicKeys, pem, (text) =>
    requireRsa(parsePublicKey(text), 'public'),
  );
}

/** The RSA private key in a PKCS#8 or PKCS#1 PEM. */
export function rsaPrivateKey(pem: string): KeyObject {
  return cached(privateKeys, pem, parsePrivateKey);
}

function parsePrivateKey(pem: string): KeyObject {
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
