import { isIP } from 'node:net';
import { buildCertificate, type Extension } from './certificate-builder.js';
import { readCsr } from './csr.js';
import { ProtocolError } from './errors.js';
import { generateRsaKeyPair, RSA_KEY_BITS } from './keys.js';

/** CA certificate lifetime in days (10 years). */
export const CA_VALID_DAYS = 3650;
/** Collector TLS certificate lifetime in days. */
export const SERVER_CERT_VALID_DAYS = 825;
/** Agent, signing and sealing certificate lifetime in days. */
export const LEAF_CERT_VALID_DAYS = 365;

/** Names the collector's TLS certificate always carries. */
const LOCAL_HOSTS = ['localhost', '127.0.0.1', '::1'];
// Labels of letters, digits and inner hyphens, optionally behind a leading
// wildcard (RFC 1123, RFC 6125); written so no input can make it backtrack.
const DNS_LABEL = '[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?';
const DNS_NAME = new RegExp(`^(\\*\\.)?${DNS_LABEL}(\\.${DNS_LABEL})*\\.?$`);
const MAX_DNS_NAME_CHARS = 253;

export interface CertAndKey {
  certPem: string;
  privateKeyPem: string;
}

export type CertificateUsage = 'client' | 'signing' | 'sealing';

/**
 * Makes a self-signed CA with a fresh RSA key.
 * @param validDays default CA_VALID_DAYS (3650)
 */
export function createCa(
  commonName: string,
  validDays: number = CA_VALID_DAYS,
): CertAndKey {
  const { privateKeyPem, publicKeyPem } = generateRsaKeyPair(RSA_KEY_BITS);
  const certPem = buildCertificate({
    subject: { cn: commonName },
    publicKeyPem,
    validDays,
    signerKeyPem: privateKeyPem,
    extensions: [
      {
        name: 'basicConstraints',
        cA: true,
        pathLenConstraint: 0,
        critical: true,
      },
      { name: 'keyUsage', keyCertSign: true, cRLSign: true, critical: true },
    ],
  });
  return { certPem, privateKeyPem };
}

/**
 * Makes the collector's TLS key and certificate. The SANs name every host
 * given plus localhost, 127.0.0.1 and ::1; IPs become IP SANs.
 */
export function createServerCertificate(
  ca: CertAndKey,
  hosts: string[],
): CertAndKey {
  const names = [...new Set([...hosts.map(bareHost), ...LOCAL_HOSTS])];
  const { privateKeyPem, publicKeyPem } = generateRsaKeyPair(RSA_KEY_BITS);
  const certPem = buildCertificate({
    subject: { cn: names[0] ?? 'localhost' },
    publicKeyPem,
    validDays: SERVER_CERT_VALID_DAYS,
    issuerCertPem: ca.certPem,
    signerKeyPem: ca.privateKeyPem,
    extensions: [
      ...leafExtensions({ digitalSignature: true, keyEncipherment: true }),
      { name: 'extKeyUsage', serverAuth: true },
      { name: 'subjectAltName', altNames: names.map(altName) },
    ],
  });
  return { certPem, privateKeyPem };
}

/**
 * Certifies `publicKeyPem` for one use: 'client' (TLS client, clientAuth),
 * 'signing' (receipts and manifests) or 'sealing' (key wrapping).
 * @param validDays default LEAF_CERT_VALID_DAYS (365)
 */
export function issueCertificate(
  ca: CertAndKey,
  publicKeyPem: string,
  subject: { cn: string; o?: string },
  usage: CertificateUsage,
  validDays: number = LEAF_CERT_VALID_DAYS,
): string {
  return buildCertificate({
    subject,
    publicKeyPem,
    validDays,
    issuerCertPem: ca.certPem,
    signerKeyPem: ca.privateKeyPem,
    extensions: usageExtensions(usage),
  });
}

/**
 * Issues an agent's client certificate for the key in its CSR. The subject
 * is CN = agent id, O = vendor; whatever the CSR asked for is ignored.
 * Throws VIGIL_CSR_INVALID for a bad CSR.
 */
export function issueAgentCertificate(
  ca: CertAndKey,
  csrPem: string,
  agent: { id: string; vendor: string },
  validDays: number = LEAF_CERT_VALID_DAYS,
): string {
  const { publicKeyPem } = readCsr(csrPem);
  const subject = { cn: agent.id, o: agent.vendor };
  return issueCertificate(ca, publicKeyPem, subject, 'client', validDays);
}

function usageExtensions(usage: CertificateUsage): Extension[] {
  switch (usage) {
    case 'client':
      return [
        ...leafExtensions({ digitalSignature: true, keyEncipherment: true }),
        { name: 'extKeyUsage', clientAuth: true },
      ];
    case 'signing':
      return leafExtensions({ digitalSignature: true, nonRepudiation: true });
    case 'sealing':
      return leafExtensions({ keyEncipherment: true });
  }
}

function leafExtensions(keyUsage: Record<string, boolean>): Extension[] {
  return [
    { name: 'basicConstraints', cA: false, critical: true },
    { name: 'keyUsage', ...keyUsage, critical: true },
  ];
}

// "[::1]" is how a URL writes an IPv6 host; the SAN wants the address.
function bareHost(host: string): string {
  const bare = host.trim().replace(/^\[(.*)\]$/, '$1');
  const validName = bare.length <= MAX_DNS_NAME_CHARS && DNS_NAME.test(bare);
  if (isIP(bare) === 0 && !validName) {
    throw new ProtocolError(
      'VIGIL_CERT_INVALID',
      `host ${JSON.stringify(host.slice(0, 64))} is neither a DNS name nor an IP address`,
    );
  }
  return bare.toLowerCase();
}

// GeneralName tags (RFC 5280 section 4.2.1.6): 2 dNSName, 7 iPAddress.
function altName(host: string): Record<string, unknown> {
  return isIP(host) === 0 ? { type: 2, value: host } : { type: 7, ip: host };
}
