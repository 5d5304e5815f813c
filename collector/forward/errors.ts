import { VigilError } from '../../protocol/errors.js';

/**
 * Codes of SIEM forwarding (docs/forwarding.md). The first ones refuse a
 * `--forward-*` option at start; the last ones name what went wrong in a
 * log line while the collector keeps running.
 */
export const FORWARD_ERROR_CODES = [
  'VIGIL_FORWARD_OPTIONS_INVALID',
  'VIGIL_FORWARD_FORMAT_UNKNOWN',
  'VIGIL_FORWARD_URL_INVALID',
  'VIGIL_FORWARD_SCHEME_UNSUPPORTED',
  'VIGIL_FORWARD_FILE_UNWRITABLE',
  'VIGIL_FORWARD_TOKEN_UNREADABLE',
  'VIGIL_FORWARD_CA_INVALID',
  'VIGIL_FORWARD_CURSOR_INVALID',
  'VIGIL_FORWARD_FAILED',
  'VIGIL_FORWARD_REFUSED',
  'VIGIL_FORWARD_DEAD_LETTER',
] as const;

export type ForwardErrorCode = (typeof FORWARD_ERROR_CODES)[number];

/** A forwarding option that cannot work, or a delivery that failed. */
export class ForwardError extends VigilError<ForwardErrorCode> {}
