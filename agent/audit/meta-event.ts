import type { CapturedEvent, MetaAction } from '../../protocol/event.js';

/** A meta event of the audit sensor: something went wrong, with details. */
export function auditMeta(
  action: MetaAction,
  detail: Record<string, unknown>,
): CapturedEvent {
  return {
    time: new Date().toISOString(),
    source: 'agent',
    action,
    outcome: 'failed',
    user: null,
    process: null,
    detail: { sensor: 'audit', ...detail },
  };
}
