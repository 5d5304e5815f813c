import { GENESIS_HASH, hashEvent } from '../../protocol/chain.js';
import type { AccessEvent } from '../../protocol/event.js';

export const AGENT_ID = 'agent-build-01';

/**
 * A chain of audit read events, shaped like what the audit sensor emits for
 * `cat` on customer files. Paths contain SECRET_MARKER so tests can prove
 * no plaintext leaks into envelopes or error messages.
 */
export const SECRET_MARKER = 'customer-ledger-7f3a';

export function makeEvents(
  count: number,
  options: { agent?: string; firstSeq?: number; prev?: string } = {},
): AccessEvent[] {
  const agent = options.agent ?? AGENT_ID;
  let seq = options.firstSeq ?? 1;
  let prev = options.prev ?? GENESIS_HASH;
  const events: AccessEvent[] = [];
  for (let i = 0; i < count; i += 1) {
    const event = makeEvent(agent, seq, prev);
    events.push(event);
    prev = hashEvent(event);
    seq += 1;
  }
  return events;
}

/** Recomputes every `prev` after an edit, as a careless forger would. */
export function relink(events: AccessEvent[]): AccessEvent[] {
  let prev = events[0]?.prev ?? GENESIS_HASH;
  return events.map((event) => {
    const linked = { ...event, prev };
    prev = hashEvent(linked);
    return linked;
  });
}

function makeEvent(agent: string, seq: number, prev: string): AccessEvent {
  return {
    seq,
    prev,
    time: `2026-03-02T09:15:${String(seq % 60).padStart(2, '0')}.123456789+08:00`,
    agent: { id: agent, vendor: 'acme-sub', host: 'build-01.acme-sub.cn' },
    source: 'audit',
    action: 'read',
    outcome: 'success',
    path: `/srv/data/customers/${SECRET_MARKER}-${seq}.csv`,
    user: {
      login: 'alice',
      name: 'alice',
      uid: 1001,
      auid: 1001,
      effective: 'alice',
      euid: 1001,
      groups: ['alice', 'analysts'],
    },
    process: {
      pid: 4242 + seq,
      ppid: 4100,
      exe: '/usr/bin/cat',
      name: 'cat',
      cmdline: `cat /srv/data/customers/${SECRET_MARKER}-${seq}.csv`,
    },
    audit: { serial: 91000 + seq, syscall: 'openat', key: 'vigil' },
  };
}
