import { GENESIS_HASH, hashEvent } from '../protocol/chain.js';
import type {
  AccessEvent,
  AgentRef,
  CapturedEvent,
} from '../protocol/event.js';
import { generatedEvents } from './policy-eval-data.js';

/** Monday 2026-03-02 11:00 UTC: inside most generated schedules. */
const EVENTS_START_MS = Date.parse('2026-03-02T11:00:00Z');
/** Generated events are spread over this much event time. */
const EVENTS_SPAN_MS = 60 * 60 * 1000;

/**
 * `count` captured events as sensors hand them to the batcher, against a
 * set of `policies` generated policies (policy-eval-data.ts): mostly team
 * members in their team's folder, some outsiders, some paths no policy has.
 */
export function capturedEvents(count: number, policies = 50): CapturedEvent[] {
  return generatedEvents(count, policies, EVENTS_START_MS, EVENTS_SPAN_MS).map(
    ({ seq: _seq, prev: _prev, agent: _agent, ...captured }) => captured,
  );
}

/** Where an agent's chain stands: its last seq and that event's hash. */
export interface ChainState {
  seq: number;
  head: string;
}

export function genesis(): ChainState {
  return { seq: 0, head: GENESIS_HASH };
}

/**
 * Chains captured events on as the agent's batcher does (seq, prev, agent,
 * then the hash), moving `state` to the new end.
 */
export function chainOn(
  captured: readonly CapturedEvent[],
  agent: AgentRef,
  state: ChainState,
): AccessEvent[] {
  return captured.map((event) => {
    state.seq += 1;
    const chained: AccessEvent = {
      seq: state.seq,
      prev: state.head,
      agent,
      ...event,
    };
    state.head = hashEvent(chained);
    return chained;
  });
}
