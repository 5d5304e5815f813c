import type { CapturedEvent, MetaAction } from '../../protocol/event.js';
import { metaEvent } from '../meta-event.js';

/** A meta event of the audit sensor: something went wrong, with details. */
export function auditMeta(
  action: MetaAction,
  detail: Record<string, unknown>,
): CapturedEvent {
  return metaEvent(action, { sensor: 'audit', ...detail });
}
