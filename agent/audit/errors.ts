import { VigilError } from '../../protocol/errors.js';

export const AUDIT_ERROR_CODES = [
  'VIGIL_AUDIT_RECORD_MALFORMED',
  'VIGIL_AUDIT_EVENT_INCOMPLETE',
  'VIGIL_AUDIT_UNAVAILABLE',
  'VIGIL_AUDIT_RULE_FAILED',
  'VIGIL_AUDIT_PATH_INVALID',
  'VIGIL_AUDIT_KEY_INVALID',
  'VIGIL_AUDIT_CHECKPOINT_INVALID',
  'VIGIL_AUDIT_LOG_UNREADABLE',
  'VIGIL_AUDIT_SENSOR_STATE',
] as const;

export type AuditErrorCode = (typeof AUDIT_ERROR_CODES)[number];

/** Failures of the audit sensor: log records, rules, checkpoint, log file. */
export class AuditError extends VigilError<AuditErrorCode> {}
