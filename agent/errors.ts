import { VigilError } from '../protocol/errors.js';

export const AGENT_ERROR_CODES = [
  'VIGIL_CONFIG_UNREADABLE',
  'VIGIL_CONFIG_INVALID',
  'VIGIL_STATE_MISSING',
  'VIGIL_ENROLL_FAILED',
  'VIGIL_CA_FINGERPRINT_MISMATCH',
  'VIGIL_COLLECTOR_UNREACHABLE',
  'VIGIL_COLLECTOR_REFUSED',
] as const;

export type AgentErrorCode = (typeof AGENT_ERROR_CODES)[number];

/** Failures on the vendor side: config, state, enrollment, shipping. */
export class AgentError extends VigilError<AgentErrorCode> {}
