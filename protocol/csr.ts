import forge from 'node-forge';
import { ProtocolError } from './errors.js';
import { attributeText, lfPem, nodeSigner } from './forge-signer.js';
import { keyId, publicKeyPemOf } from './keys.js';

// CSRs arrive over the network and forge parses in JavaScript: bound them.
const MAX_CSR_PEM_CHARS = 16 * 1024;
/** Smallest RSA key an agent may enroll, in bits. */
export const MIN_CSR_KEY_BITS = 2048;

/** Makes a PKCS#10 request for the key pair, signed by its private key. */
export function createCsr(
  privateKeyPem: string,
  publicKeyPem: string,
  cn: string,
): string {
  if (keyId(privateKeyPem) !== keyId(publicKeyPem)) {
    throw new ProtocolError(
      'VIGIL_KEY_INVALID',
      'public key does not belong to the private key',
    );
  }
  const csr = forge.pki.createCertificationRequest();
  csr.publicKey = forge.pki.publicKeyFromPem(publicKeyPem);
  csr.setSubject([{ name: 'commonName', value: cn }]);
  csr.sign(nodeSigner(privateKeyPem), forge.md.sha256.create());
  return lfPem(forge.pki.certificationRequestToPem(csr));
}

/**
 * Reads a PKCS#10 request and checks its self-signature and key size.
 * Throws VIGIL_CSR_INVALID for anything else, garbage included.
 */
export function readCsr(csrPem: string): { publicKeyPem: string; cn: string } {
  const csr = parseCsr(csrPem);
  let signed = false;
  try {
    signed = csr.verify();
  } catch (error) {
    throw invalid('signature could not be checked', error);
  }
  if (!signed) throw invalid('signature does not match its public key');
  const publicKey = csr.publicKey as forge.pki.rsa.PublicKey | null;
  if (!publicKey) throw invalid('has no public key');
  const bits = publicKey.n.bitLength();
  if (bits < MIN_CSR_KEY_BITS) {
    throw invalid(`key is ${bits} bits; at least ${MIN_CSR_KEY_BITS} needed`);
  }
  return {
    publicKeyPem: publicKeyPemOf(forge.pki.publicKeyToPem(publicKey)),
    cn: attributeText(csr.subject.attributes, 'CN') ?? '',
  };
}

function parseCsr(csrPem: string): forge.pki.CertificateSigningRequest {
  if (typeof csrPem !== 'string' || csrPem.length > MAX_CSR_PEM_CHARS) {
    throw invalid(`is not a PEM string of at most ${MAX_CSR_PEM_CHARS} chars`);
  }
  try {
    // forge throws plain Errors on bad PEM, DER, or a non-RSA key.
    return forge.pki.certificationRequestFromPem(csrPem);
  } catch (error) {
    throw invalid('could not be parsed', error);
  }
}

function invalid(reason: string, cause?: unknown): ProtocolError {
  return new ProtocolError('VIGIL_CSR_INVALID', `CSR ${reason}`, { cause });
}
