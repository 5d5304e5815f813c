import {
  BUNDLE_FORMAT,
  BundleError,
  bundleDigests,
  verifyBundle,
  type Bundle,
  type BundleAgent,
  type BundleEvent,
} from '../../protocol/bundle.js';
import type { Checkpoint } from '../../protocol/batch.js';
import { hashEvent } from '../../protocol/chain.js';
import type { AccessEvent } from '../../protocol/event.js';
import { signCanonical } from '../../protocol/sign.js';
import type { CollectorIdentity } from '../data-dir.js';
import type { AgentRow, BatchRow, CollectorStore } from '../store/store.js';

/** What to export: a time range (from inclusive, to exclusive) and filters. */
export interface ExportOptions {
  from: string;
  to: string;
  vendor?: string;
  agent?: string;
  /** Default: the current time. */
  now?: Date;
}

interface Range {
  fromMs: number;
  toMs: number;
}

/**
 * Builds a signed bundle (DESIGN section 8): per agent, the whole batches
 * from the first to the last that hold an event in the range, with events
 * outside the range as their hash alone, and a manifest signed with the
 * collector's signing key. The bundle is verified before it is returned.
 * Throws VIGIL_EXPORT_INVALID for a bad range.
 */
export function exportBundle(
  identity: CollectorIdentity,
  store: CollectorStore,
  options: ExportOptions,
): Bundle {
  const range = parseRange(options.from, options.to);
  const agents: BundleAgent[] = [];
  const checkpoints: Bundle['checkpoints'] = [];
  const events: BundleEvent[] = [];
  for (const row of selectAgents(store, options)) {
    const part = exportAgent(store, row, range);
    if (part.events.length === 0) continue;
    agents.push({ id: row.id, vendor: row.vendor, certificate: row.cert_pem });
    checkpoints.push(...part.checkpoints);
    events.push(...part.events);
  }
  const body = { agents, checkpoints, events };
  const manifest = {
    range: { from: options.from, to: options.to },
    filters: { vendor: options.vendor ?? null, agent: options.agent ?? null },
    counts: {
      agents: agents.length,
      checkpoints: checkpoints.length,
      events: events.filter((e) => 'prev' in e).length,
      redacted: events.filter((e) => !('prev' in e)).length,
    },
    collector: {
      caFingerprint: identity.caFingerprint,
      signingCert: identity.signing.certPem,
    },
    createdAt: (options.now ?? new Date()).toISOString(),
    digests: bundleDigests(body),
  };
  const bundle: Bundle = {
    format: BUNDLE_FORMAT,
    manifest,
    manifestSignature: signCanonical(manifest, identity.signing.privateKeyPem),
    ca: identity.ca.certPem,
    ...body,
  };
  // A store that lost an event must not yield a bundle that looks whole.
  verifyBundle(JSON.stringify(bundle), identity.ca.certPem);
  return bundle;
}

function parseRange(from: string, to: string): Range {
  const fromMs = Date.parse(from);
  const toMs = Date.parse(to);
  for (const [name, ms] of [
    ['--from', fromMs],
    ['--to', toMs],
  ] as const) {
    if (Number.isNaN(ms)) {
      throw new BundleError(
        'VIGIL_EXPORT_INVALID',
        `${name}: is not an ISO 8601 time (e.g. 2026-12-04T00:00:00Z)`,
      );
    }
  }
  if (toMs <= fromMs) {
    throw new BundleError('VIGIL_EXPORT_INVALID', '--to: must be after --from');
  }
  return { fromMs, toMs };
}

function selectAgents(store: CollectorStore, options: ExportOptions) {
  return store
    .listAgents()
    .filter(
      (a) =>
        (options.vendor === undefined || a.vendor === options.vendor) &&
        (options.agent === undefined || a.id === options.agent),
    );
}

// Whole batches, so that every exported event sits under a checkpoint.
function exportAgent(store: CollectorStore, agent: AgentRow, range: Range) {
  const batches = store.batchesOf(agent.id).map((batch) => ({
    batch,
    events: store
      .eventsIn(agent.id, batch.first_seq, batch.last_seq)
      .map((row) => JSON.parse(row.canonical) as AccessEvent),
  }));
  const hits = batches.map((b) => b.events.some((e) => inRange(e, range)));
  const first = hits.indexOf(true);
  const last = hits.lastIndexOf(true);
  const chosen = first < 0 ? [] : batches.slice(first, last + 1);
  return {
    checkpoints: chosen.map(({ batch }) => signedCheckpoint(batch)),
    events: chosen.flatMap(({ events }) =>
      events.map((e) => (inRange(e, range) ? e : redact(e, agent.id))),
    ),
  };
}

function inRange(event: AccessEvent, range: Range): boolean {
  const ms = Date.parse(event.time);
  return ms >= range.fromMs && ms < range.toMs;
}

function redact(event: AccessEvent, agent: string): BundleEvent {
  return { seq: event.seq, agent, hash: hashEvent(event) };
}

function signedCheckpoint(batch: BatchRow) {
  return {
    checkpoint: JSON.parse(batch.checkpoint) as Checkpoint,
    signature: batch.signature,
  };
}
