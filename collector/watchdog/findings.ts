import type { AccessEvent } from '../../protocol/event.js';
import { isRecord } from '../../protocol/is-record.js';
import type { Severity } from '../policy/types.js';

/** The watchdogs of DESIGN section 6. */
export const WATCHES = [
  'agent.silent',
  'agent.coverage',
  'agent.dropped',
  'agent.clock',
] as const;
export type Watch = (typeof WATCHES)[number];

export const WATCH_SEVERITY: Record<Watch, Severity> = {
  'agent.silent': 'high',
  'agent.coverage': 'high',
  'agent.dropped': 'high',
  'agent.clock': 'medium',
};

/**
 * What one observation says about a watch: the condition holds (raise a
 * violation unless one is open) or it does not (close the open one).
 * `seq` is the event the finding rests on.
 */
export interface Finding {
  watch: Watch;
  holds: boolean;
  seq: number;
  reason: string;
}

/** Roots named in a reason before "and N more". */
const LISTED_MAX = 5;

/**
 * Coverage from the last heartbeat or config.changed event: any designated
 * root missing on the machine holds the condition. Meta event details are
 * the agent's own words, so each field is checked before it is believed.
 */
export function coverageFinding(events: AccessEvent[]): Finding | undefined {
  for (const event of [...events].reverse()) {
    const missing = missingRoots(event);
    if (missing === undefined) continue;
    const where = `${event.action} at seq ${event.seq}`;
    return missing.length > 0
      ? {
          watch: 'agent.coverage',
          holds: true,
          seq: event.seq,
          reason:
            `${where}: ${missing.length} designated root(s) not covered on ` +
            `the machine: ${listed(missing)}`,
        }
      : {
          watch: 'agent.coverage',
          holds: false,
          seq: event.seq,
          reason: `${where} reports every designated root covered`,
        };
  }
  return undefined;
}

/**
 * Losses: any events.dropped or audit.lost event holds the condition; a
 * heartbeat in a batch without one says the losses stopped.
 */
export function dropFinding(events: AccessEvent[]): Finding | undefined {
  const losses = events.filter(
    (e) => e.action === 'events.dropped' || e.action === 'audit.lost',
  );
  const first = losses[0];
  if (first) {
    const more = losses.length > 1 ? ` (and ${losses.length - 1} more)` : '';
    return {
      watch: 'agent.dropped',
      holds: true,
      seq: first.seq,
      reason: `${describeLoss(first)}${more}`,
    };
  }
  const beat = events.findLast((e) => e.action === 'heartbeat');
  return beat
    ? {
        watch: 'agent.dropped',
        holds: false,
        seq: beat.seq,
        reason: `heartbeat at seq ${beat.seq} follows no further loss`,
      }
    : undefined;
}

function missingRoots(event: AccessEvent): string[] | undefined {
  const detail = event.detail;
  if (!isRecord(detail)) return undefined;
  let missing: unknown;
  if (event.action === 'heartbeat' && isRecord(detail.coverage)) {
    missing = detail.coverage.missing;
  } else if (event.action === 'config.changed') {
    missing = detail.missing;
  }
  if (!Array.isArray(missing)) return undefined;
  return missing.map((root) => String(root).slice(0, 256));
}

function describeLoss(event: AccessEvent): string {
  const detail = isRecord(event.detail) ? event.detail : {};
  const count = Number.isSafeInteger(detail.count) ? detail.count : '?';
  const why =
    typeof detail.reason === 'string'
      ? ` (${detail.reason.slice(0, 200)})`
      : '';
  return event.action === 'audit.lost'
    ? `audit.lost at seq ${event.seq}: the kernel lost ${count} audit record(s)`
    : `events.dropped at seq ${event.seq}: ${count} event(s) dropped${why}`;
}

function listed(items: string[]): string {
  const shown = items.slice(0, LISTED_MAX).join(', ');
  const rest = items.length - LISTED_MAX;
  return rest > 0 ? `${shown} and ${rest} more` : shown;
}
