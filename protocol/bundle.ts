import type { Checkpoint } from './batch.js';
import { canonicalBytes } from './canonical.js';
import { sha256Hex } from './chain.js';
import type { AccessEvent } from './event.js';
import { parseBundle } from './bundle-parse.js';
import { checkChains, type AgentChain } from './bundle-chain.js';
import { checkTrust } from './bundle-trust.js';
import { BundleError } from './bundle-error.js';

export {
  BUNDLE_ERROR_CODES,
  BundleError,
  type BundleErrorCode,
} from './bundle-error.js';

/** The `format` of every bundle this version writes and reads. */
export const BUNDLE_FORMAT = 'vigil-bundle/1';

/** An event the export filters leave out: its place and hash only. */
export interface RedactedEvent {
  seq: number;
  agent: string;
  hash: string;
}

export type BundleEvent = AccessEvent | RedactedEvent;

/** What the collector signs: everything else is bound by `digests`. */
export interface BundleManifest {
  range: { from: string; to: string };
  filters: { vendor: string | null; agent: string | null };
  counts: {
    agents: number;
    checkpoints: number;
    events: number;
    redacted: number;
  };
  collector: { caFingerprint: string; signingCert: string };
  createdAt: string;
  /** Hex SHA-256 of the canonical agents, checkpoints and events arrays. */
  digests: { agents: string; checkpoints: string; events: string };
}

export interface BundleAgent {
  id: string;
  vendor: string;
  certificate: string;
}

export interface Bundle {
  format: typeof BUNDLE_FORMAT;
  manifest: BundleManifest;
  manifestSignature: string;
  ca: string;
  agents: BundleAgent[];
  checkpoints: { checkpoint: Checkpoint; signature: string }[];
  events: BundleEvent[];
}

/** What `verifyBundle` proved, for people and for `--json`. */
export interface VerifyReport {
  format: typeof BUNDLE_FORMAT;
  createdAt: string;
  range: { from: string; to: string };
  filters: { vendor: string | null; agent: string | null };
  caFingerprint: string;
  agents: AgentChain[];
  events: number;
  redacted: number;
  checkpoints: number;
  /** Earliest and latest time of the events shown in full; null if none. */
  timeSpan: { first: string; last: string } | null;
}

/** Hex SHA-256 of the RFC 8785 form of each array the manifest binds. */
export function bundleDigests(
  bundle: Pick<Bundle, 'agents' | 'checkpoints' | 'events'>,
): BundleManifest['digests'] {
  return {
    agents: sha256Hex(canonicalBytes(bundle.agents)),
    checkpoints: sha256Hex(canonicalBytes(bundle.checkpoints)),
    events: sha256Hex(canonicalBytes(bundle.events)),
  };
}

/**
 * Checks a bundle offline against the CA the auditor trusts: schema,
 * certificates, the manifest and checkpoint signatures, every chain link,
 * completeness, checkpoint heads, counts and digests. Throws a BundleError
 * naming the first bad element; returns what was proved.
 */
export function verifyBundle(bundleText: string, caPem: string): VerifyReport {
  const bundle = parseBundle(bundleText);
  checkTrust(bundle, caPem);
  const chains = checkChains(bundle);
  checkCounts(bundle, chains);
  checkDigests(bundle);
  return report(bundle, chains);
}

function checkCounts(bundle: Bundle, chains: AgentChain[]): void {
  const { counts } = bundle.manifest;
  const actual = {
    agents: bundle.agents.length,
    checkpoints: bundle.checkpoints.length,
    events: chains.reduce((n, c) => n + c.events, 0),
    redacted: chains.reduce((n, c) => n + c.redacted, 0),
  };
  for (const key of Object.keys(actual) as (keyof typeof actual)[]) {
    if (actual[key] !== counts[key]) {
      throw new BundleError(
        'VIGIL_BUNDLE_COUNT_MISMATCH',
        `manifest.counts.${key}: says ${counts[key]}, bundle holds ${actual[key]}`,
      );
    }
  }
}

// Last, so that a tampered element is named by the checks above; this
// catches what they cannot see, such as a reordered agents array.
function checkDigests(bundle: Bundle): void {
  const actual = bundleDigests(bundle);
  for (const key of ['agents', 'checkpoints', 'events'] as const) {
    if (actual[key] !== bundle.manifest.digests[key]) {
      throw new BundleError(
        'VIGIL_BUNDLE_DIGEST_MISMATCH',
        `${key}: SHA-256 does not match manifest.digests.${key}`,
      );
    }
  }
}

function report(bundle: Bundle, agents: AgentChain[]): VerifyReport {
  const times = bundle.events
    .filter((e): e is AccessEvent => 'prev' in e)
    .map((e) => e.time)
    .sort((a, b) => Date.parse(a) - Date.parse(b));
  const first = times[0];
  const last = times.at(-1);
  const { manifest } = bundle;
  return {
    format: bundle.format,
    createdAt: manifest.createdAt,
    range: manifest.range,
    filters: manifest.filters,
    caFingerprint: manifest.collector.caFingerprint,
    agents,
    events: manifest.counts.events,
    redacted: manifest.counts.redacted,
    checkpoints: manifest.counts.checkpoints,
    timeSpan: first && last ? { first, last } : null,
  };
}
