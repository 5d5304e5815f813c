import type { BundleCounts, HeaderLine } from '../../protocol/bundle.js';
import { BUNDLE_FORMAT } from '../../protocol/bundle.js';
import { eventTexts, sha256Hex } from '../../protocol/chain.js';
import type { AccessEvent } from '../../protocol/event.js';
import type { CollectorIdentity } from '../data-dir.js';
import type {
  AgentRow,
  CollectorStore,
  ExportBatchRow,
} from '../store/store.js';
import { exportLog, type ExportLog } from '../tlog/export-log.js';
import { BundleWriter } from './bundle-writer.js';
import {
  exportFilter,
  type ExportFilter,
  type ExportFilterOptions,
} from './export-filter.js';

export interface ExportOptions extends ExportFilterOptions {
  /** The auditor's earlier log checkpoint, as the signed note text. */
  sinceCheckpoint?: string;
  /** Default: the current time. */
  now?: Date;
  /** Called as events are written: done so far of total. */
  onProgress?: (done: number, total: number) => void;
}

export interface ExportSummary {
  counts: BundleCounts;
  log: ExportLog['summary'];
}

/** One agent's whole batches from its first to its last one in the filter. */
interface AgentPlan {
  agent: AgentRow;
  batches: ExportBatchRow[];
  events: number;
}

/**
 * Writes a signed bundle to `out` (DESIGN section 8, docs/auditor.md), in
 * two passes over the store so memory stays flat: the first finds, per
 * agent, the batches from the first to the last holding an event in the
 * filter; the second writes those batches' events (the others in them as
 * hash only), each batch's checkpoint with its log inclusion proof, and
 * the collector-signed manifest. Throws VIGIL_EXPORT_INVALID for bad options.
 */
export function exportBundle(
  identity: CollectorIdentity,
  store: CollectorStore,
  options: ExportOptions,
  out: string,
): ExportSummary {
  const filter = exportFilter(options);
  const log = exportLog(identity, store, options.sinceCheckpoint);
  const plans = store
    .listAgents()
    .filter((a) => filter.agent(a.id, a.vendor))
    .map((a) => planAgent(store, a, filter))
    .filter((plan) => plan.batches.length > 0);
  const total = plans.reduce((n, p) => n + p.events, 0);
  const counts = { agents: 0, checkpoints: 0, events: 0, redacted: 0 };
  const writer = new BundleWriter(out);
  try {
    writer.line(header(identity, options, filter, log));
    const progress = () =>
      options.onProgress?.(counts.events + counts.redacted, total);
    for (const plan of plans) {
      writeAgent(writer, store, plan, { filter, log, counts, progress });
    }
    writer.finish(counts, identity.signing.privateKeyPem);
  } catch (error) {
    writer.abort();
    throw error;
  }
  return { counts, log: log.summary };
}

function planAgent(
  store: CollectorStore,
  agent: AgentRow,
  filter: ExportFilter,
): AgentPlan {
  const batches = store.batchesOf(agent.id);
  let first = -1;
  let last = -1;
  batches.forEach((batch, i) => {
    const hit = store
      .eventsIn(agent.id, batch.first_seq, batch.last_seq)
      .some((row) => filter.event(JSON.parse(row.canonical) as AccessEvent));
    if (!hit) return;
    if (first < 0) first = i;
    last = i;
  });
  const chosen = first < 0 ? [] : batches.slice(first, last + 1);
  const events = chosen.reduce((n, b) => n + b.last_seq - b.first_seq + 1, 0);
  return { agent, batches: chosen, events };
}

function header(
  identity: CollectorIdentity,
  options: ExportOptions,
  filter: ExportFilter,
  log: ExportLog,
): HeaderLine {
  return {
    type: 'header',
    format: BUNDLE_FORMAT,
    createdAt: (options.now ?? new Date()).toISOString(),
    range: filter.range,
    filters: {
      vendor: options.vendor ?? null,
      agent: options.agent ?? null,
      path: options.path ?? null,
    },
    ca: identity.ca.certPem,
    collector: {
      caFingerprint: identity.caFingerprint,
      signingCert: identity.signing.certPem,
      logKey: identity.log.verifierKey,
    },
    log: log.header,
  };
}

interface WriteContext {
  filter: ExportFilter;
  log: ExportLog;
  counts: BundleCounts;
  progress: () => void;
}

// Stored canonical text is written as it is: it is what was hashed.
function writeAgent(
  writer: BundleWriter,
  store: CollectorStore,
  plan: AgentPlan,
  { filter, log, counts, progress }: WriteContext,
): void {
  const { agent } = plan;
  writer.line({
    type: 'agent',
    id: agent.id,
    vendor: agent.vendor,
    certificate: agent.cert_pem,
  });
  counts.agents++;
  for (const batch of plan.batches) {
    const rows = store.eventsIn(agent.id, batch.first_seq, batch.last_seq);
    for (const row of rows) {
      const event = JSON.parse(row.canonical) as AccessEvent;
      if (filter.event(event)) {
        writer.raw(`{"type":"event","event":${row.canonical}}`);
        counts.events++;
      } else {
        // From the stored text itself, not the stored hash column.
        const body = sha256Hex(eventTexts(event).body);
        writer.line({ type: 'redacted', seq: row.seq, prev: event.prev, body });
        counts.redacted++;
      }
    }
    writer.line({
      type: 'checkpoint',
      first_seq: batch.first_seq,
      checkpoint: JSON.parse(batch.checkpoint) as never,
      signature: batch.signature,
      ...log.inclusion(batch),
    });
    counts.checkpoints++;
    progress();
  }
}
