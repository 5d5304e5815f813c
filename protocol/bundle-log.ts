import { BundleError, type BundleErrorCode } from './bundle-error.js';
import type { BundleLog, CheckpointLine, LogReport } from './bundle.js';
import { VigilError } from './errors.js';
import { openCheckpoint, parseVerifierKey } from './log-checkpoint.js';
import { logLeafBytes } from './log-leaf.js';
import { leafHash, verifyConsistency, verifyInclusion } from './merkle.js';

interface OpenedCheckpoint {
  origin: string;
  size: number;
  rootHash: Buffer;
}

/**
 * The transparency-log part of a bundle (issue 7): the log checkpoint at
 * export time, signed with the log key the header names (itself bound by
 * the manifest signature); optionally a consistency proof from the
 * auditor's earlier checkpoint; and an inclusion proof per batch.
 */
export class LogCheck {
  private readonly now: OpenedCheckpoint;
  private readonly since: OpenedCheckpoint | null;
  private included = 0;

  constructor(logKey: string, log: BundleLog) {
    const key = guard(
      'VIGIL_BUNDLE_LOG_INVALID',
      'line 1 collector.logKey',
      () => parseVerifierKey(logKey),
    );
    this.now = guard('VIGIL_BUNDLE_LOG_INVALID', 'line 1 log.checkpoint', () =>
      openCheckpoint(log.checkpoint, [key]),
    );
    this.since = log.since ? this.consistent(log, key) : null;
  }

  /** The batch a checkpoint line closes is a leaf of the log. */
  inclusion(line: CheckpointLine, where: string): void {
    if (!line.leaf) {
      throw new BundleError(
        'VIGIL_BUNDLE_LOG_PROOF_INVALID',
        `${where}: has no leaf index and inclusion proof`,
      );
    }
    const { index, inclusion } = line.leaf;
    const hash = leafHash(logLeafBytes(line));
    guard('VIGIL_BUNDLE_LOG_PROOF_INVALID', `${where} leaf ${index}`, () =>
      verifyInclusion(
        hash,
        index,
        this.now.size,
        decode(inclusion),
        this.now.rootHash,
      ),
    );
    this.included++;
  }

  report(): LogReport {
    const { origin, size } = this.now;
    return {
      origin,
      size,
      included: this.included,
      ...(this.since && {
        since: { size: this.since.size, appended: size - this.since.size },
      }),
    };
  }

  private consistent(
    log: BundleLog,
    key: ReturnType<typeof parseVerifierKey>,
  ): OpenedCheckpoint {
    const since = log.since!;
    const old = guard(
      'VIGIL_BUNDLE_LOG_INVALID',
      'line 1 log.since.checkpoint',
      () => openCheckpoint(since.checkpoint, [key]),
    );
    if (old.origin !== this.now.origin) {
      throw new BundleError(
        'VIGIL_BUNDLE_LOG_INVALID',
        `line 1 log.since.checkpoint: is of log ${old.origin}, not ${this.now.origin}`,
      );
    }
    const missing = log.missing?.length
      ? `; the exporter found leaves missing from the store: ${log.missing.join(', ')}`
      : '';
    guard(
      'VIGIL_BUNDLE_LOG_INCONSISTENT',
      `line 1 log.since: the log at size ${this.now.size} does not extend the checkpoint of size ${old.size}${missing}`,
      () =>
        verifyConsistency(
          old.size,
          this.now.size,
          decode(since.consistency),
          old.rootHash,
          this.now.rootHash,
        ),
    );
    return old;
  }
}

function decode(proof: string[]): Buffer[] {
  return proof.map((node) => Buffer.from(node, 'base64'));
}

// Log and proof errors become bundle errors naming where they sit.
function guard<T>(code: BundleErrorCode, where: string, fn: () => T): T {
  try {
    return fn();
  } catch (error) {
    if (!(error instanceof VigilError)) throw error;
    throw new BundleError(code, `${where}: ${error.message}`, { cause: error });
  }
}
