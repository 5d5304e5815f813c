import { BundleError, type BundleErrorCode } from './bundle-error.js';
import type { BundleLog, CheckpointLine, LogReport } from './bundle.js';
import { VigilError } from './errors.js';
import { openCheckpoint, parseVerifierKey } from './log-checkpoint.js';
import { logLeafBytes } from './log-leaf.js';
import {
  emptyRoot,
  leafHash,
  verifyConsistency,
  verifyInclusion,
} from './merkle.js';

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

  /** @param kept the checkpoint the auditor kept, as note text */
  constructor(logKey: string, log: BundleLog, kept?: string) {
    const key = guard(
      'VIGIL_BUNDLE_LOG_INVALID',
      'line 1 collector.logKey',
      () => parseVerifierKey(logKey),
    );
    this.now = guard('VIGIL_BUNDLE_LOG_INVALID', 'line 1 log.checkpoint', () =>
      openCheckpoint(log.checkpoint, [key]),
    );
    this.since = log.since ? this.consistent(log, key) : null;
    if (kept !== undefined) this.matchKept(kept, key);
    if (log.missing?.length) {
      throw new BundleError(
        'VIGIL_BUNDLE_LOG_INCONSISTENT',
        `line 1 log.missing: the exporter found leaves missing from the store: ${log.missing.join(', ')}`,
      );
    }
  }

  // The auditor's own copy, not the one the bundle brings, is what counts.
  private matchKept(kept: string, key: ReturnType<typeof parseVerifierKey>) {
    const mine = guard('VIGIL_BUNDLE_LOG_INVALID', '--since-checkpoint', () =>
      openCheckpoint(kept, [key]),
    );
    const since = this.since;
    if (since === null) {
      throw new BundleError(
        'VIGIL_BUNDLE_LOG_INCONSISTENT',
        `--since-checkpoint: the bundle proves nothing about the checkpoint of size ${mine.size} you kept; export it with --since-checkpoint`,
      );
    }
    if (since.size !== mine.size || !since.rootHash.equals(mine.rootHash)) {
      throw new BundleError(
        'VIGIL_BUNDLE_LOG_INCONSISTENT',
        `--since-checkpoint: the bundle proves consistency from a checkpoint of size ${since.size}, not from the one of size ${mine.size} you kept`,
      );
    }
  }

  /** The batch a checkpoint line closes is a leaf of the log. */
  inclusion(line: CheckpointLine, where: string): void {
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
      () => {
        // Every log extends the empty one (RFC 9162 defines no proof for it).
        if (old.size === 0 && old.rootHash.equals(emptyRoot())) return;
        verifyConsistency(
          old.size,
          this.now.size,
          decode(since.consistency),
          old.rootHash,
          this.now.rootHash,
        );
      },
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
