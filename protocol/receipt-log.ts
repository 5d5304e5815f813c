import { ProtocolError } from './errors.js';
import { isRecord } from './is-record.js';
import { openCheckpoint } from './log-checkpoint.js';
import { verifyInclusion } from './merkle.js';
import type { VerifierKey } from './signed-note.js';
import { VigilError } from './errors.js';

/** What a verified receipt log part proves: leaf `index` of log `origin`. */
export interface ReceiptLogProof {
  origin: string;
  index: number;
  size: number;
}

/**
 * Checks the transparency-log part of a receipt against the batch's own
 * leaf hash: the checkpoint is signed by the collector's log key and the
 * proof puts that leaf at `index` in the tree the checkpoint commits to.
 * Throws VIGIL_RECEIPT_INVALID naming what failed.
 */
export function verifyReceiptLog(
  log: unknown,
  leafHash: Buffer,
  logKey: VerifierKey,
): ReceiptLogProof {
  if (
    !isRecord(log) ||
    !Number.isSafeInteger(log.index) ||
    typeof log.checkpoint !== 'string' ||
    !Array.isArray(log.inclusion) ||
    !log.inclusion.every((node) => typeof node === 'string')
  ) {
    throw invalid('log: is missing or has the wrong shape');
  }
  const index = log.index as number;
  const proof = (log.inclusion as string[]).map((n) =>
    Buffer.from(n, 'base64'),
  );
  try {
    const checkpoint = openCheckpoint(log.checkpoint, [logKey]);
    verifyInclusion(
      leafHash,
      index,
      checkpoint.size,
      proof,
      checkpoint.rootHash,
    );
    return { origin: checkpoint.origin, index, size: checkpoint.size };
  } catch (error) {
    if (!(error instanceof VigilError)) throw error;
    throw invalid(`log: leaf ${index}: ${error.message}`, error);
  }
}

function invalid(message: string, cause?: unknown): ProtocolError {
  return new ProtocolError('VIGIL_RECEIPT_INVALID', `receipt ${message}`, {
    cause,
  });
}
