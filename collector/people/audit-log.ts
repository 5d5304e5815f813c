import type { AuditRow, CollectorStore } from '../store/store.js';

/** What the collector's own audit log records. */
export type AuditAction =
  | 'agent.revoked'
  | 'agent.refused'
  | 'user.added'
  | 'user.removed'
  | 'violations.exported';

/** One audit log entry, as the API returns it. */
export interface AuditEntry {
  id: number;
  at: string;
  /** A person ("api:alice"), a local operator ("local:root") or an agent. */
  actor: string;
  action: AuditAction;
  target: string;
  detail: Record<string, unknown>;
}

/** Appends one entry; never holds a token, a key or a request body. */
export function recordAudit(
  store: CollectorStore,
  entry: Omit<AuditEntry, 'id' | 'at'>,
  now = new Date(),
): number {
  return store.insertAudit({
    at: now.toISOString(),
    actor: entry.actor,
    action: entry.action,
    target: entry.target,
    detail: JSON.stringify(entry.detail),
  });
}

export function listAuditEntries(
  store: CollectorStore,
  afterId: number,
  limit: number,
): AuditEntry[] {
  return store.listAudit(afterId, limit).map(toEntry);
}

function toEntry(row: AuditRow): AuditEntry {
  return {
    id: row.id,
    at: row.at,
    actor: row.actor,
    action: row.action as AuditAction,
    target: row.target,
    detail: JSON.parse(row.detail) as Record<string, unknown>,
  };
}
