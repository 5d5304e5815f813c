import type { Checkpoint } from './batch.js';
import type { AccessEvent } from './event.js';

export {
  BUNDLE_ERROR_CODES,
  BundleError,
  type BundleErrorCode,
} from './bundle-error.js';
export { BundleVerifier } from './bundle-verifier.js';
export { verifyBundle, verifyBundleFile } from './bundle-file.js';

/**
 * The `format` of every bundle this version writes and reads: JSON Lines,
 * so that exports of millions of events stream in both directions
 * (docs/auditor.md has the layout).
 */
export const BUNDLE_FORMAT = 'vigil-bundle/2';

/** First line: who made the bundle, for which range, and the trust roots. */
export interface HeaderLine {
  type: 'header';
  format: typeof BUNDLE_FORMAT;
  createdAt: string;
  range: { from: string; to: string };
  filters: { vendor: string | null; agent: string | null; path: string | null };
  ca: string;
  collector: { caFingerprint: string; signingCert: string; logKey: string };
  /** The transparency log at export time (issue 7). */
  log: BundleLog;
}

export interface BundleLog {
  /** Signed note: the log's checkpoint when the bundle was written. */
  checkpoint: string;
  /** The auditor's earlier checkpoint and the proof that the log grew from it. */
  since?: { checkpoint: string; consistency: string[] };
  /** Leaves of the log whose batch the store no longer holds. */
  missing?: string[];
}

/** Opens an agent's section; its entries and checkpoints follow. */
export interface AgentLine {
  type: 'agent';
  id: string;
  vendor: string;
  certificate: string;
}

export interface EventLine {
  type: 'event';
  event: AccessEvent;
}

/**
 * An event the filters leave out: its seq, its link to the entry before
 * and the hash of its content, from which its chain hash follows
 * (protocol/chain.ts chainHash); what it said stays hidden.
 */
export interface RedactedLine {
  type: 'redacted';
  seq: number;
  prev: string;
  body: string;
}

/** Closes one batch of the current agent, right after its last entry. */
export interface CheckpointLine {
  type: 'checkpoint';
  first_seq: number;
  checkpoint: Checkpoint;
  signature: string;
  /** The batch's leaf in the log and its inclusion proof at header.log. */
  leaf: { index: number; inclusion: string[] };
}

export interface BundleCounts {
  agents: number;
  checkpoints: number;
  events: number;
  redacted: number;
}

/** What the collector signs, last: counts and the digest of all before. */
export interface BundleManifest {
  counts: BundleCounts;
  /** Hex SHA-256 of every byte of the file before the manifest line. */
  digest: string;
}

export interface ManifestLine {
  type: 'manifest';
  manifest: BundleManifest;
  signature: string;
}

export type BundleLine =
  | HeaderLine
  | AgentLine
  | EventLine
  | RedactedLine
  | CheckpointLine
  | ManifestLine;

/** One agent's stretch of chain in a bundle, as verified. */
export interface AgentChain {
  id: string;
  vendor: string;
  firstSeq: number;
  lastSeq: number;
  /** Events shown in full. */
  events: number;
  /** Events shown as their hash alone. */
  redacted: number;
  checkpoints: number;
}

/** What the log part of a bundle proved. */
export interface LogReport {
  origin: string;
  size: number;
  /** Batches whose inclusion in the log at `size` was proved. */
  included: number;
  /** Present when an earlier checkpoint was given to the export. */
  since?: { size: number; appended: number };
}

/** What a verified bundle proved, for people and for `--json`. */
export interface VerifyReport {
  format: typeof BUNDLE_FORMAT;
  createdAt: string;
  range: { from: string; to: string };
  filters: HeaderLine['filters'];
  caFingerprint: string;
  agents: AgentChain[];
  events: number;
  redacted: number;
  checkpoints: number;
  /** Earliest and latest time of the events shown in full; null if none. */
  timeSpan: { first: string; last: string } | null;
  log: LogReport;
}
