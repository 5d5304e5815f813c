import { BundleError } from './bundle-error.js';
import type { Bundle } from './bundle.js';
import { ProtocolError } from './errors.js';
import { certFingerprint, verifyCertificate } from './pki.js';
import { verifyCanonical } from './sign.js';

/**
 * Checks every signature back to the auditor's CA: the bundle's CA is that
 * CA, the signing and agent certificates chain to it, the manifest and
 * every checkpoint verify. Certificates are judged at manifest.createdAt,
 * so a bundle stays checkable after its agents' certificates expire.
 */
export function checkTrust(bundle: Bundle, caPem: string): void {
  const { manifest } = bundle;
  const at = new Date(manifest.createdAt);
  checkCa(bundle, caPem);
  const signing = 'manifest.collector.signingCert';
  trusted(signing, () =>
    verifyCertificate(manifest.collector.signingCert, caPem, at),
  );
  if (
    !verifies(
      manifest,
      bundle.manifestSignature,
      manifest.collector.signingCert,
    )
  ) {
    throw new BundleError(
      'VIGIL_BUNDLE_MANIFEST_SIGNATURE_INVALID',
      `manifestSignature: does not verify with ${signing}`,
    );
  }
  const certs = checkAgents(bundle, caPem, at);
  checkCheckpoints(bundle, certs);
}

function checkCa(bundle: Bundle, caPem: string): void {
  const given = trusted('--ca', () => certFingerprint(caPem));
  const own = trusted('ca', () => certFingerprint(bundle.ca));
  const claimed = bundle.manifest.collector.caFingerprint;
  const where =
    own !== given
      ? 'ca'
      : claimed !== given
        ? 'manifest.collector.caFingerprint'
        : null;
  if (where) {
    throw new BundleError(
      'VIGIL_BUNDLE_CA_MISMATCH',
      `${where}: is not the CA given with --ca (sha256 ${given})`,
    );
  }
}

function checkAgents(
  bundle: Bundle,
  caPem: string,
  at: Date,
): Map<string, string> {
  const certs = new Map<string, string>();
  bundle.agents.forEach((agent, i) => {
    const where = `agents[${i}] (agent ${agent.id})`;
    const cert = trusted(where, () =>
      verifyCertificate(agent.certificate, caPem, at),
    );
    if (cert.cn !== agent.id || (cert.o !== null && cert.o !== agent.vendor)) {
      throw new BundleError(
        'VIGIL_BUNDLE_CERT_UNTRUSTED',
        `${where}: certificate was issued to ${cert.cn} of ${cert.o ?? 'no vendor'}`,
      );
    }
    if (certs.has(agent.id)) {
      throw new BundleError(
        'VIGIL_BUNDLE_SCHEMA_INVALID',
        `${where}: is listed twice`,
      );
    }
    certs.set(agent.id, agent.certificate);
  });
  return certs;
}

function checkCheckpoints(bundle: Bundle, certs: Map<string, string>): void {
  bundle.checkpoints.forEach(({ checkpoint, signature }, i) => {
    const where = `checkpoints[${i}] (agent ${checkpoint.agent}, seq ${checkpoint.seq})`;
    const cert = certs.get(checkpoint.agent);
    if (cert === undefined) {
      throw new BundleError(
        'VIGIL_BUNDLE_AGENT_UNKNOWN',
        `${where}: agent is not in agents`,
      );
    }
    if (!verifies(checkpoint, signature, cert)) {
      throw new BundleError(
        'VIGIL_BUNDLE_CHECKPOINT_SIGNATURE_INVALID',
        `${where}: signature does not verify with agent ${checkpoint.agent}'s certificate`,
      );
    }
  });
}

function verifies(value: unknown, signature: string, certPem: string): boolean {
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
      {
        cause: error,
      },
    );
  }
}
