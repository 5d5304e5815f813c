import type { AccessEvent } from '../../protocol/event.js';
import { MemoryLimitCounter } from './limit-counter.js';
import { parseInstant } from './local-time.js';
import type { PolicySet } from './policy-set.js';
import { isAccessEvent } from './policy-tests.js';

/** A stored event with the time SQLite read from it (null: unreadable). */
export interface ReplayEventRow {
  agent: string;
  seq: number;
  canonical: string;
  time: string | null;
}

/** A stored policy violation with its event's time. */
export interface ReplayViolationRow {
  agent: string;
  seq: number;
  policy: string;
  rule: string;
  kind: string;
  severity: string;
  reason: string;
  time: string | null;
}

/**
 * What a replay reads; a CollectorStore opened read-only is one. Both
 * return every row at or after `cutoff` (ISO 8601) and may return more.
 */
export interface ReplaySource {
  iterateEventsSince(cutoff: string): Iterable<ReplayEventRow>;
  policyViolationsSince(cutoff: string): Iterable<ReplayViolationRow>;
}

/** One violation on one stored event, as replay compares them. */
export interface ReplayedViolation {
  agent: string;
  seq: number;
  time: string;
  policy: string;
  rule: string;
  kind: string;
  severity: string;
  reason: string;
}

/** What the given policies would flag since a time, against the store. */
export interface ReplayReport {
  /** ISO 8601: events from this time on were judged. */
  since: string;
  /** Stored access events from `since` on (meta events are not judged). */
  events: number;
  /** Stored rows not readable as an access event; never judged. */
  unreadable: number;
  /** Violations the policies raise on those events. */
  raised: number;
  /** Violations stored for those events by policies (not integrity, watchdogs). */
  stored: number;
  /** Raised and not stored, by event time. */
  added: ReplayedViolation[];
  /** Stored and no longer raised, by event time. */
  removed: ReplayedViolation[];
}

/**
 * Judges the stored events from `sinceMs` on with `set`, as the collector
 * would have, and compares the violations by agent, seq, policy and rule
 * with those stored. Limits count in memory from two of their longest
 * windows before `sinceMs`, so a burst that began earlier still counts.
 * Events are judged in event-time order; the collector judged them as
 * batches arrived, so a limit can flag another event of the same burst.
 * Reads only.
 */
export function replayPolicies(
  source: ReplaySource,
  set: PolicySet,
  sinceMs: number,
): ReplayReport {
  const warmupFrom = sinceMs - 2 * set.longestLimitWindowMs;
  const raised = new Map<string, ReplayedViolation>();
  const counts = { events: 0, unreadable: 0 };
  const counter = new MemoryLimitCounter();
  for (const row of source.iterateEventsSince(isoOf(warmupFrom))) {
    const event = parseEvent(row.canonical);
    const ms = event === undefined ? NaN : parseInstant(event.time);
    if (event === undefined || Number.isNaN(ms)) {
      if (row.time === null || parseInstant(row.time) >= sinceMs) {
        counts.unreadable++;
      }
      continue;
    }
    // Meta events are never judged, so they are not counted either.
    if (ms < warmupFrom || event.source === 'agent') continue;
    const drafts = set.evaluate(event, counter);
    if (ms < sinceMs) continue;
    counts.events++;
    for (const draft of drafts) {
      const found = { ...row, time: event.time, ...draft };
      raised.set(keyOf(found), pick(found));
    }
  }
  const stored = storedSince(source, sinceMs);
  return {
    since: isoOf(sinceMs),
    ...counts,
    raised: raised.size,
    stored: stored.size,
    added: missingFrom(raised, stored),
    removed: missingFrom(stored, raised),
  };
}

function storedSince(
  source: ReplaySource,
  sinceMs: number,
): Map<string, ReplayedViolation> {
  const stored = new Map<string, ReplayedViolation>();
  for (const row of source.policyViolationsSince(isoOf(sinceMs))) {
    if (row.time === null || !(parseInstant(row.time) >= sinceMs)) continue;
    stored.set(keyOf(row), pick({ ...row, time: row.time }));
  }
  return stored;
}

// Stored text is the collector's own, but a damaged row must not stop
// the replay: it is counted as unreadable instead.
function parseEvent(text: string): AccessEvent | undefined {
  try {
    const value: unknown = JSON.parse(text);
    return isAccessEvent(value) ? value : undefined;
  } catch {
    return undefined;
  }
}

function keyOf(
  v: Pick<ReplayedViolation, 'agent' | 'seq' | 'policy' | 'rule'>,
) {
  return JSON.stringify([v.agent, v.seq, v.policy, v.rule]);
}

function pick(v: ReplayedViolation): ReplayedViolation {
  const { agent, seq, time, policy, rule, kind, severity, reason } = v;
  return { agent, seq, time, policy, rule, kind, severity, reason };
}

function missingFrom(
  from: Map<string, ReplayedViolation>,
  other: Map<string, ReplayedViolation>,
): ReplayedViolation[] {
  return [...from]
    .filter(([key]) => !other.has(key))
    .map(([, v]) => v)
    .sort(
      (a, b) =>
        parseInstant(a.time) - parseInstant(b.time) ||
        a.agent.localeCompare(b.agent) ||
        a.seq - b.seq,
    );
}

function isoOf(ms: number): string {
  return new Date(ms).toISOString();
}
