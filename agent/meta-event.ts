import type { CapturedEvent, MetaAction, Outcome } from '../protocol/event.js';

/**
 * An event about the agent itself (`source: "agent"`): its start and stop,
 * heartbeats, and every loss or degradation, so none is silent.
 */
export function metaEvent(
  action: MetaAction,
  detail: Record<string, unknown>,
  outcome: Outcome = 'failed',
  time = new Date(),
): CapturedEvent {
  return {
    time: time.toISOString(),
    source: 'agent',
    action,
    outcome,
    user: null,
    process: null,
    detail,
  };
}
