import { CollectorError } from '../errors.js';
import type { CollectorStore } from '../store/store.js';
import { violationDetail } from './violation-reads.js';
import type { ViolationDetail } from './violation-view.js';

export const VIOLATION_STATUSES = ['open', 'acknowledged', 'resolved'] as const;
export type ViolationStatus = (typeof VIOLATION_STATUSES)[number];

export const TRIAGE_ACTIONS = ['ack', 'resolve', 'reopen'] as const;
export type TriageAction = (typeof TRIAGE_ACTIONS)[number];

/** Longest triage note kept. */
export const NOTE_MAX_CHARS = 2_000;

const MOVES: Record<
  TriageAction,
  { from: readonly string[]; to: ViolationStatus }
> = {
  ack: { from: ['open'], to: 'acknowledged' },
  resolve: { from: ['open', 'acknowledged'], to: 'resolved' },
  reopen: { from: ['resolved'], to: 'open' },
};

/** Who acts: a person with a role, or the collector itself ("system"). */
export interface Actor {
  name: string;
  role: string;
}

/**
 * Moves a violation by a triage action and records who did it, when and
 * why, in one transaction. Resolving needs a note.
 */
export function triageViolation(
  store: CollectorStore,
  id: number,
  action: TriageAction,
  actor: Actor,
  note: string | undefined,
  now = new Date(),
): ViolationDetail {
  const text = checkNote(action, note);
  store.transaction(() => {
    const row = store.getViolation(id);
    if (!row) {
      throw new CollectorError(
        'VIGIL_NOT_FOUND',
        `violation: no violation ${id}`,
      );
    }
    const move = MOVES[action];
    if (!move.from.includes(row.status)) {
      throw new CollectorError(
        'VIGIL_VIOLATION_STATE',
        `violation ${id} is ${row.status}; ${action} applies only to ` +
          `${move.from.join(' or ')} violations`,
      );
    }
    moveStatus(store, {
      id,
      from: row.status,
      to: move.to,
      action,
      actor,
      note: text,
      now,
    });
  });
  return violationDetail(store, id);
}

/**
 * Resolves a violation on the collector's own finding (a watchdog whose
 * condition cleared). Runs inside the caller's transaction; false when the
 * violation was already resolved by someone.
 */
export function resolveBySystem(
  store: CollectorStore,
  id: number,
  actor: Actor,
  note: string,
  now: Date,
): boolean {
  const row = store.getViolation(id);
  if (!row || !MOVES.resolve.from.includes(row.status)) return false;
  moveStatus(store, {
    id,
    from: row.status,
    to: 'resolved',
    action: 'resolve',
    actor,
    note,
    now,
  });
  return true;
}

/** One status change and the history entry that records it. */
interface Move {
  id: number;
  from: string;
  to: ViolationStatus;
  action: TriageAction;
  actor: Actor;
  note: string | null;
  now: Date;
}

function moveStatus(store: CollectorStore, move: Move): void {
  store.setViolationStatus(move.id, move.from, move.to);
  store.insertHistory({
    violation: move.id,
    at: move.now.toISOString(),
    actor: move.actor.name,
    role: move.actor.role,
    action: move.action,
    from_status: move.from,
    to_status: move.to,
    note: move.note,
  });
}

function checkNote(action: TriageAction, note: string | undefined) {
  const text = note?.trim() ?? '';
  if (action === 'resolve' && text === '') {
    throw new CollectorError(
      'VIGIL_BODY_INVALID',
      'note: resolving a violation needs a note saying why',
    );
  }
  if (text.length > NOTE_MAX_CHARS) {
    throw new CollectorError(
      'VIGIL_BODY_INVALID',
      `note: ${text.length} characters; at most ${NOTE_MAX_CHARS}`,
    );
  }
  return text === '' ? null : text;
}
