import type { TLSSocket } from 'node:tls';
import { VigilError } from '../../protocol/errors.js';
import { recordAudit } from '../people/audit-log.js';
import type { CollectorStore } from '../store/store.js';

/** Least time between two audit entries for one agent's refusals of a kind. */
export const REFUSAL_RECORD_INTERVAL_MS = 60_000;

/**
 * Only certificates this collector's CA issued reach these codes, so the
 * audit log cannot be filled by strangers; a missing certificate is only
 * counted in the metrics.
 */
const RECORDED = new Set(['VIGIL_AGENT_REVOKED', 'VIGIL_AGENT_UNKNOWN']);

/**
 * Writes refused agent requests to the audit log as `agent.refused`. A
 * revoked agent retries with backoff, so one entry per agent and code per
 * interval is kept, counting the refusals in between.
 */
export class RefusalRecorder {
  private readonly last = new Map<string, { at: number; since: number }>();

  constructor(
    private readonly store: CollectorStore,
    private readonly now: () => Date = () => new Date(),
  ) {}

  record(error: unknown, socket: TLSSocket, route: string): void {
    if (!(error instanceof VigilError) || !RECORDED.has(error.code)) return;
    const peer = socket.getPeerCertificate?.();
    const agent = String(peer?.subject?.CN ?? '').slice(0, 64);
    const key = `${error.code} ${agent}`;
    const now = this.now();
    const last = this.last.get(key);
    if (last && now.getTime() - last.at < REFUSAL_RECORD_INTERVAL_MS) {
      last.since += 1;
      return;
    }
    this.last.set(key, { at: now.getTime(), since: 0 });
    recordAudit(
      this.store,
      {
        actor: `agent:${agent}`,
        action: 'agent.refused',
        target: agent,
        detail: {
          code: error.code,
          route: route.slice(0, 200),
          serial: String(peer?.serialNumber ?? ''),
          remote: socket.remoteAddress ?? '',
          ...(last ? { refusedSinceLastEntry: last.since } : {}),
        },
      },
      now,
    );
  }
}
