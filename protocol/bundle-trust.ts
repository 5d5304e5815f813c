import { BundleError } from './bundle-error.js';
import type { AgentLine, HeaderLine } from './bundle.js';
import { ProtocolError } from './errors.js';
import { certFingerprint, verifyCertificate } from './pki.js';
import { verifyCanonical } from './sign.js';

/**
 * Checks the header's trust roots against the auditor's CA: the bundle's CA
 * is that CA and the collector's signing certificate chains to it.
 * Certificates are judged at createdAt, so a bundle stays checkable after
 * they expire.
 */
export function checkHeaderTrust(header: HeaderLine, caPem: string): void {
  const given = trusted('--ca', () => certFingerprint(caPem));
  const own = trusted('line 1 ca', () => certFingerprint(header.ca));
  const where =
    own !== given
      ? 'line 1 ca'
      : header.collector.caFingerprint !== given
        ? 'line 1 collector.caFingerprint'
        : null;
  if (where) {
    throw new BundleError(
      'VIGIL_BUNDLE_CA_MISMATCH',
      `${where}: is not the CA given with --ca (sha256 ${given})`,
    );
  }
  const at = new Date(header.createdAt);
  trusted('line 1 collector.signingCert', () =>
    verifyCertificate(header.collector.signingCert, caPem, at),
  );
}

/** An agent's certificate chains to the CA and names that agent. */
export function checkAgentCert(
  agent: AgentLine,
  caPem: string,
  at: Date,
  where: string,
): void {
  const cert = trusted(where, () =>
    verifyCertificate(agent.certificate, caPem, at),
  );
  if (cert.cn !== agent.id || (cert.o !== null && cert.o !== agent.vendor)) {
    throw new BundleError(
      'VIGIL_BUNDLE_CERT_UNTRUSTED',
      `${where}: certificate was issued to ${cert.cn} of ${cert.o ?? 'no vendor'}`,
    );
  }
}

/** Whether a canonical signature verifies; other failures still throw. */
export function verifies(
  value: unknown,
  signature: string,
  certPem: string,
): boolean {
  try {
    verifyCanonical(value, signature, certPem);
    return true;
  } catch (error) {
    if (error instanceof ProtocolError) return false;
    throw error;
  }
}

// A certificate problem becomes a bundle error naming where it sits.
function trusted<T>(where: string, fn: () => T): T {
  try {
    return fn();
  } catch (error) {
    if (!(error instanceof ProtocolError)) throw error;
    throw new BundleError(
      'VIGIL_BUNDLE_CERT_UNTRUSTED',
      `${where}: ${error.message}`,
      { cause: error },
    );
  }
}
