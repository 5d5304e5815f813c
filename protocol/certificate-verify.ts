import forge from 'node-forge';
import { ProtocolError } from './errors.js';
import { attributeText } from './forge-signer.js';
import { publicKeyPemOf } from './keys.js';

/** What a verified certificate says about its holder. */
export interface VerifiedCertificate {
  cn: string;
  o: string | null;
  /** Lowercase hex. */
  serial: string;
  publicKeyPem: string;
  notAfter: Date;
}

/**
 * Checks that `certPem` is an end-entity certificate signed by the CA in
 * `caCertPem` and that both are valid at `now`. Throws VIGIL_CERT_INVALID
 * (unparseable, a CA, expired or not yet valid) or VIGIL_CERT_UNTRUSTED
 * (not issued by that CA). Revocation is the caller's to check.
 * @param now default the current time
 */
export function verifyCertificate(
  certPem: string,
  caCertPem: string,
  now: Date = new Date(),
): VerifiedCertificate {
  const cert = parse(certPem, 'certificate');
  const ca = parse(caCertPem, 'CA certificate');
  checkIssuedBy(cert, ca);
  checkValidAt(ca, now, 'CA certificate');
  checkValidAt(cert, now, 'certificate');
  if (isCa(cert)) {
    throw new ProtocolError(
      'VIGIL_CERT_INVALID',
      'certificate is a CA certificate, not an end-entity one',
    );
  }
  return {
    cn: attributeText(cert.subject.attributes, 'CN') ?? '',
    o: attributeText(cert.subject.attributes, 'O'),
    serial: cert.serialNumber.toLowerCase(),
    publicKeyPem: publicKeyPemOf(forge.pki.publicKeyToPem(cert.publicKey)),
    notAfter: cert.validity.notAfter,
  };
}

function parse(pem: string, what: string): forge.pki.Certificate {
  try {
    // forge throws plain Errors on bad PEM or DER, and on non-RSA keys.
    return forge.pki.certificateFromPem(pem);
  } catch (error) {
    throw new ProtocolError(
      'VIGIL_CERT_INVALID',
      `${what} could not be parsed`,
      {
        cause: error,
      },
    );
  }
}

function checkIssuedBy(cert: forge.pki.Certificate, ca: forge.pki.Certificate) {
  let issued = false;
  try {
    // verify() throws when the issuer name differs, returns false when the
    // signature does not match the CA's key.
    issued = ca.verify(cert);
  } catch {
    issued = false;
  }
  if (!issued) {
    throw new ProtocolError(
      'VIGIL_CERT_UNTRUSTED',
      'certificate was not issued by the given CA',
    );
  }
}

function checkValidAt(cert: forge.pki.Certificate, now: Date, what: string) {
  const { notBefore, notAfter } = cert.validity;
  if (now < notBefore || now > notAfter) {
    const state = now < notBefore ? 'not valid before' : 'expired at';
    const when = now < notBefore ? notBefore : notAfter;
    throw new ProtocolError(
      'VIGIL_CERT_INVALID',
      `${what} is ${state} ${when.toISOString()}`,
    );
  }
}

function isCa(cert: forge.pki.Certificate): boolean {
  const constraints = cert.getExtension('basicConstraints') as {
    cA?: boolean;
  } | null;
  return constraints?.cA === true;
}
