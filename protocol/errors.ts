/**
 * Vigil's error base. Every error that crosses a boundary carries a stable
 * `code` from a closed list; messages name the offending field and never
 * carry keys, tokens or raw payloads.
 */
export class VigilError<C extends string = string> extends Error {
  readonly code: C;

  constructor(code: C, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
    this.name = new.target.name;
  }
}

export const PROTOCOL_ERROR_CODES = [
  'VIGIL_CANONICAL_INVALID',
  'VIGIL_CHAIN_HASH_MISMATCH',
  'VIGIL_CHAIN_LINK_BROKEN',
  'VIGIL_CHAIN_SEQ_GAP',
  'VIGIL_SIGNATURE_INVALID',
  'VIGIL_ENVELOPE_INVALID',
  'VIGIL_ENVELOPE_KEY_UNKNOWN',
  'VIGIL_ENVELOPE_UNWRAP_FAILED',
  'VIGIL_ENVELOPE_DECRYPT_FAILED',
  'VIGIL_BATCH_INVALID',
  'VIGIL_SCHEMA_INVALID',
  'VIGIL_CERT_INVALID',
  'VIGIL_CERT_UNTRUSTED',
  'VIGIL_CSR_INVALID',
  'VIGIL_KEY_INVALID',
  'VIGIL_RECEIPT_INVALID',
  'VIGIL_FINGERPRINT_INVALID',
  'VIGIL_DURATION_INVALID',
] as const;

export type ProtocolErrorCode = (typeof PROTOCOL_ERROR_CODES)[number];

/** Failures of the shared wire format: hashing, chains, sealing, PKI. */
export class ProtocolError extends VigilError<ProtocolErrorCode> {}
