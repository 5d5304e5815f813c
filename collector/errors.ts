import { VigilError } from '../protocol/errors.js';

export const COLLECTOR_ERROR_CODES = [
  'VIGIL_DATA_DIR_MISSING',
  'VIGIL_DATA_DIR_EXISTS',
  'VIGIL_STORE_VERSION_UNSUPPORTED',
  'VIGIL_CLIENT_CERT_REQUIRED',
  'VIGIL_AGENT_UNKNOWN',
  'VIGIL_AGENT_REVOKED',
  'VIGIL_AGENT_MISMATCH',
  'VIGIL_ENROLL_TOKEN_INVALID',
  'VIGIL_ENROLL_REQUEST_INVALID',
  'VIGIL_CHAIN_CONFLICT',
  'VIGIL_CHAIN_GAP',
  'VIGIL_BODY_INVALID',
  'VIGIL_BODY_TOO_LARGE',
  'VIGIL_CONTENT_TYPE_UNSUPPORTED',
  'VIGIL_NOT_FOUND',
  'VIGIL_INTERNAL',
  'VIGIL_LISTEN_INVALID',
] as const;

export type CollectorErrorCode = (typeof COLLECTOR_ERROR_CODES)[number];

/** Failures of the owner-side service: data dir, store, ingest, enrollment. */
export class CollectorError extends VigilError<CollectorErrorCode> {}
