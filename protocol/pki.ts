// The PKI surface in one import: CA, issuance, CSRs, verification.
export {
  CA_VALID_DAYS,
  LEAF_CERT_VALID_DAYS,
  SERVER_CERT_VALID_DAYS,
  createCa,
  createServerCertificate,
  issueAgentCertificate,
  issueCertificate,
  type CertAndKey,
  type CertificateUsage,
} from './certificate-authority.js';
export {
  verifyCertificate,
  type VerifiedCertificate,
} from './certificate-verify.js';
export { MIN_CSR_KEY_BITS, createCsr, readCsr } from './csr.js';
export { certFingerprint, normalizeFingerprint } from './fingerprint.js';
