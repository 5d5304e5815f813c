import { createHash } from 'node:crypto';
import forge from 'node-forge';
import { ProtocolError } from './errors.js';

const SHA256_HEX = /^[0-9a-f]{64}$/;
// openssl x509 -fingerprint prints "sha256 Fingerprint=AB:CD:…".
const LABEL = /^(sha-?256)?\s*(fingerprint)?\s*[=:]?\s*/i;

/**
 * Lowercase hex SHA-256 of the certificate's DER, the first CERTIFICATE
 * block in `certPem`. Throws VIGIL_CERT_INVALID when there is none.
 */
export function certFingerprint(certPem: string): string {
  const der = certificateDer(certPem);
  return createHash('sha256').update(der).digest('hex');
}

/**
 * Accepts a SHA-256 fingerprint as people paste it (colons, spaces,
 * uppercase, an openssl "sha256 Fingerprint=" label) and returns the
 * lowercase hex form. Throws VIGIL_FINGERPRINT_INVALID otherwise.
 */
export function normalizeFingerprint(fp: string): string {
  const hex = String(fp)
    .trim()
    .replace(LABEL, '')
    .replace(/[:\s]/g, '')
    .toLowerCase();
  if (!SHA256_HEX.test(hex)) {
    // Not echoed: people paste the wrong thing, tokens included.
    throw new ProtocolError(
      'VIGIL_FINGERPRINT_INVALID',
      `fingerprint is not 64 hex digits (got ${String(fp).length} characters)`,
    );
  }
  return hex;
}

function certificateDer(certPem: string): Buffer {
  try {
    const block = forge.pem
      .decode(certPem)
      .find((b) => b.type === 'CERTIFICATE');
    if (block) {
      // Parsed only to prove the bytes are a certificate; the hash is
      // over the DER exactly as it was sent.
      forge.pki.certificateFromAsn1(forge.asn1.fromDer(block.body));
      return Buffer.from(block.body, 'binary');
    }
  } catch (error) {
    throw invalid(error);
  }
  throw invalid();
}

function invalid(cause?: unknown): ProtocolError {
  return new ProtocolError(
    'VIGIL_CERT_INVALID',
    'certificate PEM could not be parsed',
    { cause },
  );
}
