import { createHash, randomBytes } from 'node:crypto';
import { GENESIS_HASH } from '../protocol/chain.js';
import {
  issueAgentCertificate,
  readCsr,
  verifyCertificate,
} from '../protocol/pki.js';
import type { CollectorIdentity } from './data-dir.js';
import { CollectorError } from './errors.js';
import type { CollectorStore } from './store/store.js';

/** Default lifetime of an enrollment token. */
export const ENROLL_TOKEN_TTL_MS = 24 * 60 * 60 * 1000;
/** Agent certificates are renewed by re-enrolling; one year by default. */
const AGENT_CERT_DAYS = 365;
const TOKEN_BYTES = 32;
const NAME_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

export interface EnrollRequest {
  token: string;
  csr: string;
  host: string;
}

/** What an agent keeps from enrollment (DESIGN section 4). */
export interface EnrollResponse {
  agentId: string;
  vendor: string;
  certificate: string;
  ca: string;
  signingCert: string;
  sealingCert: string;
  /** The transparency log's verifier key (c2sp.org/signed-note). */
  logKey: string;
}

/** Makes a one-time token for `vendor`; only its hash is stored. */
export function createEnrollToken(
  store: CollectorStore,
  vendor: string,
  ttlMs = ENROLL_TOKEN_TTL_MS,
  now = new Date(),
): { token: string; expiresAt: string } {
  if (!NAME_PATTERN.test(vendor)) {
    throw new CollectorError(
      'VIGIL_ENROLL_REQUEST_INVALID',
      `vendor: "${vendor.slice(0, 64)}" must be 1-64 letters, digits, ` +
        '".", "_" or "-", starting with a letter or digit',
    );
  }
  const token = randomBytes(TOKEN_BYTES).toString('base64url');
  const expiresAt = new Date(now.getTime() + ttlMs).toISOString();
  store.insertToken({
    token_hash: hashToken(token),
    vendor,
    created_at: now.toISOString(),
    expires_at: expiresAt,
  });
  return { token, expiresAt };
}

/**
 * Consumes a token and issues an agent certificate for the CSR's key. The
 * token is checked and used in the same transaction as the agent is created,
 * so one token enrolls exactly one agent.
 */
export function enrollAgent(
  store: CollectorStore,
  identity: CollectorIdentity,
  request: EnrollRequest,
  now = new Date(),
): EnrollResponse {
  readCsr(request.csr); // rejects a malformed or forged CSR before the token is spent
  const host = request.host.slice(0, 255) || 'unknown';
  return store.transaction(() => {
    const vendor = claimToken(store, request.token, now);
    const agentId = `${vendor}-${randomBytes(6).toString('hex')}`;
    const certificate = issueAgentCertificate(
      identity.ca,
      request.csr,
      { id: agentId, vendor },
      AGENT_CERT_DAYS,
    );
    if (!store.useToken(hashToken(request.token), now.toISOString(), agentId)) {
      throw tokenInvalid('was already used');
    }
    store.insertAgent({
      id: agentId,
      vendor,
      host,
      cert_serial: verifyCertificate(certificate, identity.ca.certPem).serial,
      cert_pem: certificate,
      enrolled_at: now.toISOString(),
      last_seq: 0,
      head: GENESIS_HASH,
    });
    return {
      agentId,
      vendor,
      certificate,
      ca: identity.ca.certPem,
      signingCert: identity.signing.certPem,
      sealingCert: identity.sealing.certPem,
      logKey: identity.log.verifierKey,
    };
  });
}

function claimToken(store: CollectorStore, token: string, now: Date): string {
  const row = store.getToken(hashToken(token));
  if (!row) throw tokenInvalid('is unknown');
  if (row.used_at) throw tokenInvalid('was already used');
  if (row.expires_at <= now.toISOString()) throw tokenInvalid('has expired');
  return row.vendor;
}

function tokenInvalid(why: string): CollectorError {
  return new CollectorError(
    'VIGIL_ENROLL_TOKEN_INVALID',
    `token: the enrollment token ${why}; ask the collector's admin for a ` +
      'new one (vigil collector token)',
  );
}

export function hashToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}
