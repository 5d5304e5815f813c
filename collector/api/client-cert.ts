import type { TLSSocket } from 'node:tls';
import { CollectorError } from '../errors.js';
import type { AgentRow, CollectorStore } from '../store/store.js';

/**
 * The enrolled agent behind a request's client certificate. Runs before the
 * body is read, so an unknown or revoked agent costs the collector nothing.
 */
export function agentOfSocket(
  socket: TLSSocket,
  store: CollectorStore,
): AgentRow {
  const peer = socket.getPeerCertificate?.();
  if (!socket.authorized || !peer || !peer.subject) {
    throw new CollectorError(
      'VIGIL_CLIENT_CERT_REQUIRED',
      'client certificate: none was presented, or it was not issued by ' +
        "this collector's CA; enroll the agent first",
    );
  }
  const id = String(peer.subject.CN ?? '');
  const agent = store.getAgent(id);
  if (
    !agent ||
    normalizeSerial(agent.cert_serial) !== normalizeSerial(peer.serialNumber)
  ) {
    throw new CollectorError(
      'VIGIL_AGENT_UNKNOWN',
      `client certificate: agent "${id.slice(0, 64)}" with serial ` +
        `${peer.serialNumber} is not enrolled here`,
    );
  }
  if (agent.revoked_at) {
    throw new CollectorError(
      'VIGIL_AGENT_REVOKED',
      `client certificate: agent ${id} was revoked at ${agent.revoked_at}`,
    );
  }
  return agent;
}

function normalizeSerial(serial: string): string {
  return serial.toLowerCase().replace(/^0+/, '');
}
