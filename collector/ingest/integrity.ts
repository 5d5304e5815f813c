import { canonicalize } from '../../protocol/canonical.js';
import type { Batch } from '../../protocol/batch.js';
import { resolveBySystem, type Actor } from '../people/triage.js';
import type { Severity } from '../policy/types.js';
import type { CollectorStore } from '../store/store.js';
import type { SeqRange } from './chain-verdict.js';

/** The policy id integrity violations carry; no policy file defines it. */
export const INTEGRITY_POLICY = 'vigil.integrity';

/** Who closes a gap violation when its missing range arrives. */
export const INTEGRITY_ACTOR: Actor = { name: 'collector', role: 'system' };

export type IntegrityKind = 'integrity.gap' | 'integrity.tampered';

const SEVERITY: Record<IntegrityKind, Severity> = {
  'integrity.gap': 'high',
  'integrity.tampered': 'critical',
};

/** An integrity violation just raised or closed, for live listeners. */
export interface IntegrityNotice {
  id: number;
  kind: IntegrityKind;
  status: 'open' | 'resolved';
  agent: string;
  reason: string;
}

/** "events 41-57 of acme-1a2b" or "event 41 of acme-1a2b". */
export function describeRange(agent: string, range: SeqRange): string {
  return range.first === range.last
    ? `event ${range.first} of ${agent}`
    : `events ${range.first}-${range.last} of ${agent}`;
}

/**
 * Raises `integrity.gap` for `missing`, unless an open gap already covers
 * it (a batch that fills the middle of a known gap raises nothing new).
 */
export function raiseGap(
  store: CollectorStore,
  agent: string,
  missing: SeqRange,
  at: string,
): IntegrityNotice | undefined {
  if (store.openGapAt(agent, missing.last)) return undefined;
  const verb = missing.first === missing.last ? 'is' : 'are';
  const reason = `${describeRange(agent, missing)} ${verb} missing`;
  const id = insertIntegrity(store, 'integrity.gap', agent, missing.first, {
    reason,
    at,
  });
  store.insertGap({
    agent,
    first_seq: missing.first,
    last_seq: missing.last,
    violation_id: id,
    detected_at: at,
  });
  return { id, kind: 'integrity.gap', status: 'open', agent, reason };
}

/** Closes every open gap of `agent` that `stored` completed. */
export function closeFilledGaps(
  store: CollectorStore,
  agent: string,
  stored: SeqRange,
  at: string,
): IntegrityNotice[] {
  const closed: IntegrityNotice[] = [];
  for (const gap of store.openGapsIn(agent, stored.first, stored.last)) {
    const size = gap.last_seq - gap.first_seq + 1;
    if (store.countEventsIn(agent, gap.first_seq, gap.last_seq) < size) {
      continue;
    }
    const range = { first: gap.first_seq, last: gap.last_seq };
    const reason = `${describeRange(agent, range)} arrived at ${at}`;
    const by = INTEGRITY_ACTOR.name;
    store.resolveGap(agent, gap.first_seq, { at, by, note: reason });
    // A person may have resolved it already; their word then stands.
    const id = gap.violation_id;
    if (!resolveBySystem(store, id, INTEGRITY_ACTOR, reason, new Date(at))) {
      continue;
    }
    closed.push({
      id,
      kind: 'integrity.gap',
      status: 'resolved',
      agent,
      reason,
    });
  }
  return closed;
}

/**
 * Keeps a batch that contradicts the stored chain aside, as the signed
 * evidence it is, and raises `integrity.tampered`. The same events sent
 * again (even under a new checkpoint signature) are neither kept nor
 * raised twice.
 */
export function raiseTampered(
  store: CollectorStore,
  batch: Batch,
  conflict: { seq: number; why: string },
  at: string,
): IntegrityNotice | undefined {
  const { agent, head } = batch.checkpoint;
  const range = { first: batch.events[0]!.seq, last: batch.checkpoint.seq };
  const held = { agent, first_seq: range.first, last_seq: range.last, head };
  if (store.hasAside(held)) return undefined;
  const reason =
    `${conflict.why}; the batch with ${describeRange(agent, range)} ` +
    'was kept aside';
  const id = insertIntegrity(store, 'integrity.tampered', agent, conflict.seq, {
    reason,
    at,
  });
  store.insertAside({
    ...held,
    conflict_seq: conflict.seq,
    canonical: canonicalize(batch),
    violation_id: id,
    received_at: at,
  });
  return { id, kind: 'integrity.tampered', status: 'open', agent, reason };
}

// Integrity violations name no policy file: no hash, no compliance tags.
function insertIntegrity(
  store: CollectorStore,
  kind: IntegrityKind,
  agent: string,
  seq: number,
  text: { reason: string; at: string },
): number {
  return store.insertViolation({
    agent,
    seq,
    policy: INTEGRITY_POLICY,
    rule: kind,
    kind,
    severity: SEVERITY[kind],
    reason: text.reason,
    policy_hash: '',
    compliance: '[]',
    created_at: text.at,
  });
}
