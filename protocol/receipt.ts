import { ProtocolError } from './errors.js';
import { isRecord } from './is-record.js';
import { signCanonical, verifyCanonical } from './sign.js';

/** The collector's word that it committed a batch up to `seq`. */
export interface Receipt {
  agent: string;
  seq: number;
  head: string;
  received_at: string;
}

/**
 * Where the batch sits in the collector's transparency log: its leaf
 * index, the signed checkpoint made when it was added, and the inclusion
 * proof at that checkpoint's size (base64 hashes). Self-proving, so it is
 * not covered by the receipt signature.
 */
export interface ReceiptLog {
  index: number;
  checkpoint: string;
  inclusion: string[];
}

export interface SignedReceipt {
  receipt: Receipt;
  signature: string;
  log?: ReceiptLog;
}

/** Signs the canonical receipt with the collector's signing key. */
export function signReceipt(
  receipt: Receipt,
  privateKeyPem: string,
): SignedReceipt {
  const copy = pick(receipt);
  return { receipt: copy, signature: signCanonical(copy, privateKeyPem) };
}

/**
 * Checks a receipt's shape and its signature against the collector's
 * signing certificate, and returns the receipt. Throws
 * VIGIL_RECEIPT_INVALID or VIGIL_SIGNATURE_INVALID. Whether it acknowledges
 * the batch that was sent is for the caller to compare.
 */
export function verifyReceipt(
  signed: SignedReceipt,
  collectorSigningCertPem: string,
): Receipt {
  const receipt = checkShape(signed);
  verifyCanonical(signed.receipt, signed.signature, collectorSigningCertPem);
  return receipt;
}

// The answer comes over the network, so its shape is checked field by field.
function checkShape(signed: unknown): Receipt {
  if (!isRecord(signed) || !isRecord(signed.receipt)) {
    throw invalid('/receipt');
  }
  const { agent, seq, head, received_at } = signed.receipt;
  if (typeof agent !== 'string') throw invalid('/receipt/agent');
  if (!Number.isSafeInteger(seq)) throw invalid('/receipt/seq');
  if (typeof head !== 'string') throw invalid('/receipt/head');
  if (typeof received_at !== 'string') throw invalid('/receipt/received_at');
  if (typeof signed.signature !== 'string') throw invalid('/signature');
  return pick({ agent, seq: seq as number, head, received_at });
}

function pick(receipt: Receipt): Receipt {
  const { agent, seq, head, received_at } = receipt;
  return { agent, seq, head, received_at };
}

function invalid(pointer: string): ProtocolError {
  return new ProtocolError(
    'VIGIL_RECEIPT_INVALID',
    `receipt ${pointer}: is missing or has the wrong type`,
  );
}
