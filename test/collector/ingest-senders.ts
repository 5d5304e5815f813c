import { join } from 'node:path';
import type { ReceiptLog } from '../../protocol/receipt.js';
import Database from 'better-sqlite3';
import { Agent, request } from 'undici';
import { enrollAgent } from '../../agent/enroll.js';
import { loadAgentState, type AgentState } from '../../agent/state.js';
import { openStore } from '../../collector/data-dir.js';
import { createEnrollToken } from '../../collector/enroll.js';
import { buildBatch } from '../../protocol/batch.js';
import {
  GENESIS_HASH,
  hashEvent,
  hashCanonicalEvent,
  verifyChainLinks,
} from '../../protocol/chain.js';
import type { AccessEvent } from '../../protocol/event.js';
import { sealBatch, type Envelope } from '../../protocol/seal.js';

/** An enrolled agent as a test drives it: its state and its mTLS pool. */
export interface Sender {
  state: AgentState;
  id: string;
  mtls: Agent;
}

export interface Reply {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: {
    error?: { code: string; message: string };
    receipt?: { agent: string; seq: number; head: string };
    signature?: string;
    log?: ReceiptLog;
  };
}

/** Enrolls one more agent of `vendor` with the collector at `url`. */
export async function enrollSender(
  url: string,
  dataDir: string,
  caFingerprint: string,
  stateDir: string,
  vendor = 'acme',
): Promise<Sender> {
  const store = openStore(dataDir);
  const { token } = createEnrollToken(store, vendor);
  store.close();
  await enrollAgent({ collector: url, token, caFingerprint, stateDir });
  return senderOf(loadAgentState(stateDir));
}

export function senderOf(state: AgentState): Sender {
  const mtls = new Agent({
    connect: { ca: state.caPem, cert: state.certPem, key: state.privateKeyPem },
  });
  VENDORS.set(state.identity.agentId, state.identity.vendor);
  return { state, id: state.identity.agentId, mtls };
}

// The vendor of each agent made here: ingest refuses events that name
// another vendor than the agent's certificate.
const VENDORS = new Map<string, string>();

/** `count` chained read events of `agent` from seq `from`. */
export function chainEvents(
  agent: string,
  from: number,
  count: number,
  prev = GENESIS_HASH,
  path = '/srv/records/a.csv',
  day = '2026-12-04',
): AccessEvent[] {
  const out: AccessEvent[] = [];
  for (let seq = from; seq < from + count; seq++) {
    const event: AccessEvent = {
      seq,
      prev,
      time: `${day}T10:00:${String(seq % 60).padStart(2, '0')}.123Z`,
      agent: {
        id: agent,
        vendor: VENDORS.get(agent) ?? 'acme',
        host: 'build-7',
      },
      source: 'audit',
      action: 'read',
      outcome: 'success',
      path,
      user: {
        login: 'bob',
        name: 'bob',
        uid: 1001,
        auid: 1001,
        effective: 'bob',
        euid: 1001,
        groups: ['bob'],
      },
      process: {
        pid: 42,
        ppid: 1,
        exe: '/usr/bin/cat',
        name: 'cat',
        cmdline: 'cat a.csv',
      },
    };
    prev = hashEvent(event);
    out.push(event);
  }
  return out;
}

/** Events 1..n of an agent's chain, so later batches can be cut from it. */
export function chainOf(agent: string, n: number): AccessEvent[] {
  return chainEvents(agent, 1, n);
}

/** Signs and seals `events` as `sender` would. */
export function sealFor(sender: Sender, events: AccessEvent[]): Envelope {
  return sealBatch(
    buildBatch(events, sender.id, sender.state.privateKeyPem),
    sender.state.sealingCertPem,
  );
}

export async function postBatch(
  url: string,
  sender: Sender,
  body: string,
): Promise<Reply> {
  const res = await request(`${url}/v1/batches`, {
    method: 'POST',
    dispatcher: sender.mtls,
    headers: { 'content-type': 'application/json' },
    body,
  });
  return {
    status: res.statusCode,
    headers: res.headers,
    body: (await res.body.json()) as Reply['body'],
  };
}

/**
 * Recomputes every stored event's hash from its canonical text and checks
 * the links of each agent's contiguous chain from seq 1: the store alone.
 */
export function verifyStoredChains(dataDir: string): Map<string, number> {
  const db = new Database(join(dataDir, 'store.db'), { readonly: true });
  try {
    const heads = new Map<string, number>();
    const agents = db
      .prepare('SELECT id, last_seq, head FROM agents')
      .all() as {
      id: string;
      last_seq: number;
      head: string;
    }[];
    for (const agent of agents) {
      const rows = db
        .prepare('SELECT * FROM events WHERE agent = ? ORDER BY seq')
        .all(agent.id) as { seq: number; hash: string; canonical: string }[];
      for (const row of rows) {
        if (hashCanonicalEvent(row.canonical) !== row.hash) {
          throw new Error(`${agent.id} seq ${row.seq}: hash differs`);
        }
      }
      const events = rows.map((r) => JSON.parse(r.canonical) as AccessEvent);
      const head = verifyChainLinks(events);
      if (head !== agent.head || events.length !== agent.last_seq) {
        throw new Error(`${agent.id}: head is not the stored chain's end`);
      }
      heads.set(agent.id, agent.last_seq);
    }
    return heads;
  } finally {
    db.close();
  }
}

/** What the store holds of one agent's chain and its integrity findings. */
export function chainView(dataDir: string, agent: string) {
  const store = openStore(dataDir, true);
  try {
    const integrity = store
      .listViolations()
      .filter((v) => v.agent === agent && v.kind.startsWith('integrity.'));
    return {
      agent: store.getAgent(agent)!,
      history: integrity.flatMap((v) => store.historyOf(v.id)),
      gaps: store.gapsOf(agent),
      aside: store.asideOf(agent),
      violations: integrity,
      seqs: [...store.iterateEvents(agent)].map((e) => e.seq),
    };
  } finally {
    store.close();
  }
}

/**
 * Posts consecutive batches of one agent's chain, keeping seq and prev, to
 * whatever URL `url()` names now (the collector may restart on a new one).
 */
export function chainPoster(url: () => string, sender: Sender) {
  let seq = 1;
  let prev: string | undefined;
  return async (count: number): Promise<{ reply: Reply; first: number }> => {
    const events = chainEvents(sender.id, seq, count, prev);
    const first = seq;
    seq += count;
    prev = hashEvent(events.at(-1)!);
    const reply = await postBatch(
      url(),
      sender,
      JSON.stringify(sealFor(sender, events)),
    );
    return { reply, first };
  };
}
