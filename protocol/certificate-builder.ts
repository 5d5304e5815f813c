import { randomBytes } from 'node:crypto';
import forge from 'node-forge';
import { ProtocolError } from './errors.js';
import { keyId } from './keys.js';
import { lfPem, nodeSigner } from './forge-signer.js';

const DAY_MS = 24 * 60 * 60 * 1000;
// Backdated so a peer whose clock runs a little behind accepts it at once.
const BACKDATE_MS = 5 * 60 * 1000;
// 128 random bits (CA/Browser Forum asks for at least 64).
const SERIAL_BYTES = 16;

export interface Subject {
  cn: string;
  o?: string;
}

/** A forge extension object, as `setExtensions` takes it. */
export type Extension = Record<string, unknown> & { name: string };

export interface CertificateSpec {
  subject: Subject;
  publicKeyPem: string;
  validDays: number;
  extensions: Extension[];
  /** The issuing CA; absent when `signerKeyPem` signs its own key. */
  issuerCertPem?: string;
  signerKeyPem: string;
}

/** Builds and signs an X.509 v3 certificate; returns its PEM. */
export function buildCertificate(spec: CertificateSpec): string {
  checkValidDays(spec.validDays);
  checkKeyPair(spec);
  const cert = forge.pki.createCertificate();
  cert.publicKey = forge.pki.publicKeyFromPem(spec.publicKeyPem);
  cert.serialNumber = randomSerial();
  const now = Date.now();
  cert.validity.notBefore = new Date(now - BACKDATE_MS);
  cert.validity.notAfter = new Date(now + spec.validDays * DAY_MS);
  cert.setSubject(subjectAttributes(spec.subject));
  const issuer = spec.issuerCertPem ? parseIssuer(spec.issuerCertPem) : cert;
  cert.setIssuer(reencodable(issuer.subject.attributes));
  const authorityKey = issuer.generateSubjectKeyIdentifier().getBytes();
  cert.setExtensions([
    ...spec.extensions,
    { name: 'subjectKeyIdentifier' },
    { name: 'authorityKeyIdentifier', keyIdentifier: authorityKey },
  ]);
  cert.sign(nodeSigner(spec.signerKeyPem), forge.md.sha256.create());
  return lfPem(forge.pki.certificateToPem(cert));
}

// UTF8String so vendor names outside ASCII (and "_") survive.
function subjectAttributes(subject: Subject): forge.pki.CertificateField[] {
  const utf8 = forge.asn1.Type.UTF8 as unknown as forge.asn1.Class;
  const fields = [
    { name: 'commonName', value: subject.cn, valueTagClass: utf8 },
  ];
  if (subject.o !== undefined) {
    fields.push({
      name: 'organizationName',
      value: subject.o,
      valueTagClass: utf8,
    });
  }
  return fields;
}

// forge reads UTF8String values as encoded bytes but encodes them again on
// write, so the issuer's name is decoded before it is copied.
function reencodable(
  attributes: forge.pki.CertificateField[],
): forge.pki.CertificateField[] {
  return attributes.map((a) =>
    (a.valueTagClass as number) === forge.asn1.Type.UTF8 &&
    typeof a.value === 'string'
      ? { ...a, value: forge.util.decodeUtf8(a.value) }
      : a,
  );
}

function parseIssuer(pem: string): forge.pki.Certificate {
  try {
    return forge.pki.certificateFromPem(pem);
  } catch (error) {
    throw new ProtocolError(
      'VIGIL_CERT_INVALID',
      'CA certificate could not be parsed',
      { cause: error },
    );
  }
}

// A certificate signed by a key that is not the issuer's would never verify.
function checkKeyPair(spec: CertificateSpec): void {
  const issuerKey = spec.issuerCertPem ?? spec.publicKeyPem;
  if (keyId(issuerKey) !== keyId(spec.signerKeyPem)) {
    throw new ProtocolError(
      'VIGIL_KEY_INVALID',
      'signing private key does not belong to the issuer certificate',
    );
  }
}

function checkValidDays(days: number): void {
  if (!Number.isInteger(days) || days < 1) {
    throw new ProtocolError(
      'VIGIL_CERT_INVALID',
      `validDays must be a positive whole number, got ${days}`,
    );
  }
}

// Positive and without a leading zero octet, so DER needs no padding byte.
function randomSerial(): string {
  const bytes = randomBytes(SERIAL_BYTES);
  bytes[0] = ((bytes[0] ?? 0) & 0x7f) | 0x40;
  return bytes.toString('hex');
}
