import { CollectorError } from '../errors.js';
import type { AgentRow, CollectorStore } from '../store/store.js';
import { recordAudit } from './audit-log.js';

/** Longest revocation reason kept. */
const REASON_MAX_CHARS = 500;

/**
 * Revokes an agent's certificate: from the next request on, the collector
 * refuses it before reading the body (collector/api/client-cert.ts). The
 * revocation is itself recorded in the audit log. Revoking twice changes
 * nothing; `changed` says which happened.
 */
export function revokeAgent(
  store: CollectorStore,
  request: { agent: string; reason?: string; by: string },
  now = new Date(),
): { agent: AgentRow; changed: boolean } {
  const reason = request.reason?.trim().slice(0, REASON_MAX_CHARS) || null;
  return store.transaction(() => {
    if (!store.getAgent(request.agent)) {
      throw new CollectorError(
        'VIGIL_NOT_FOUND',
        `agent: no agent "${request.agent.slice(0, 64)}" is enrolled here`,
      );
    }
    const changed = store.revokeAgent(request.agent, now.toISOString(), reason);
    if (changed) {
      recordAudit(
        store,
        {
          actor: request.by,
          action: 'agent.revoked',
          target: request.agent,
          detail: reason ? { reason } : {},
        },
        now,
      );
    }
    return { agent: store.getAgent(request.agent)!, changed };
  });
}
