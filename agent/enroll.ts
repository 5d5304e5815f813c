import { parseVerifierKey } from '../protocol/signed-note.js';
import { errorText } from './ship/reply-text.js';
import { hostname } from 'node:os';
import { Agent, request } from 'undici';
import { generateRsaKeyPair, keyId } from '../protocol/keys.js';
import {
  certFingerprint,
  createCsr,
  normalizeFingerprint,
  verifyCertificate,
} from '../protocol/pki.js';
import { AgentError } from './errors.js';
import { writeAgentState, type AgentIdentity } from './state.js';

/** How long enrollment waits for the collector before giving up. */
const ENROLL_TIMEOUT_MS = 30_000;

export interface EnrollOptions {
  collector: string;
  token: string;
  caFingerprint: string;
  stateDir: string;
  host?: string;
}

interface EnrollResponse {
  agentId: string;
  vendor: string;
  certificate: string;
  ca: string;
  signingCert: string;
  sealingCert: string;
  logKey: string;
}

/**
 * Enrolls this machine (DESIGN section 4): fetches the collector's CA and
 * pins it by fingerprint before the token is sent anywhere, makes the key
 * pair locally, sends only a CSR, and keeps what the collector issues.
 */
export async function enrollAgent(
  options: EnrollOptions,
): Promise<AgentIdentity> {
  const base = options.collector.replace(/\/+$/, '');
  if (!base.startsWith('https://')) {
    throw new AgentError(
      'VIGIL_ENROLL_FAILED',
      `--collector: "${base.slice(0, 80)}" must be an https:// URL`,
    );
  }
  const caPem = await fetchPinnedCa(base, options.caFingerprint);
  const keys = generateRsaKeyPair();
  const host = options.host ?? hostname();
  const csr = createCsr(keys.privateKeyPem, keys.publicKeyPem, host);
  const response = await postEnroll(base, caPem, {
    token: options.token,
    csr,
    host,
  });
  checkIssued(response, caPem, keys.publicKeyPem);
  const identity: AgentIdentity = {
    agentId: response.agentId,
    vendor: response.vendor,
    host,
    collector: base,
    enrolledAt: new Date().toISOString(),
  };
  writeAgentState(options.stateDir, {
    identity,
    privateKeyPem: keys.privateKeyPem,
    certPem: response.certificate,
    caPem,
    signingCertPem: response.signingCert,
    sealingCertPem: response.sealingCert,
    logKey: response.logKey,
  });
  return identity;
}

async function fetchPinnedCa(
  base: string,
  fingerprint: string,
): Promise<string> {
  // Not yet trusted: the fingerprint check below is what makes it so.
  const insecure = new Agent({ connect: { rejectUnauthorized: false } });
  try {
    const res = await send(`${base}/v1/ca`, { dispatcher: insecure });
    const caPem = await res.body.text();
    if (certFingerprint(caPem) !== normalizeFingerprint(fingerprint)) {
      throw new AgentError(
        'VIGIL_CA_FINGERPRINT_MISMATCH',
        `--ca-fingerprint: the collector at ${base} presents a CA whose ` +
          'fingerprint differs; check the URL and the fingerprint you were given',
      );
    }
    return caPem;
  } finally {
    await insecure.close();
  }
}

async function postEnroll(
  base: string,
  caPem: string,
  body: { token: string; csr: string; host: string },
): Promise<EnrollResponse> {
  const trusted = new Agent({ connect: { ca: caPem } });
  try {
    const res = await send(`${base}/v1/enroll`, {
      dispatcher: trusted,
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    const text = await res.body.text();
    if (res.statusCode !== 200) {
      throw new AgentError(
        'VIGIL_ENROLL_FAILED',
        `collector refused enrollment: ${errorText(text)}`,
      );
    }
    return JSON.parse(text) as EnrollResponse;
  } finally {
    await trusted.close();
  }
}

async function send(url: string, options: Parameters<typeof request>[1]) {
  try {
    return await request(url, {
      ...options,
      headersTimeout: ENROLL_TIMEOUT_MS,
      bodyTimeout: ENROLL_TIMEOUT_MS,
    });
  } catch (error) {
    throw new AgentError(
      'VIGIL_COLLECTOR_UNREACHABLE',
      `collector: ${url} cannot be reached (${(error as { code?: string }).code ?? (error as Error).message})`,
      { cause: error },
    );
  }
}

function checkIssued(
  response: EnrollResponse,
  caPem: string,
  publicKeyPem: string,
) {
  const issued = verifyCertificate(response.certificate, caPem);
  if (keyId(issued.publicKeyPem) !== keyId(publicKeyPem)) {
    throw new AgentError(
      'VIGIL_ENROLL_FAILED',
      'certificate: the collector issued a certificate for another key',
    );
  }
  verifyCertificate(response.signingCert, caPem);
  verifyCertificate(response.sealingCert, caPem);
  try {
    parseVerifierKey(String(response.logKey));
  } catch (error) {
    throw new AgentError(
      'VIGIL_ENROLL_FAILED',
      'logKey: the collector sent no valid transparency log key',
      { cause: error },
    );
  }
}
