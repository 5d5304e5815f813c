import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { Agent, request } from 'undici';
import { enrollAgent } from '../../agent/enroll.js';
import { loadAgentState, type AgentState } from '../../agent/state.js';
import {
  initDataDir,
  openStore,
  type CollectorIdentity,
} from '../../collector/data-dir.js';
import { createEnrollToken } from '../../collector/enroll.js';
import { createLogger } from '../../collector/log.js';
import { addApiUser } from '../../collector/people/api-users.js';
import {
  serveCollector,
  type RunningCollector,
} from '../../collector/serve.js';
import type { WatchdogOptions } from '../../collector/watchdog/watchdog-options.js';
import { buildBatch } from '../../protocol/batch.js';
import { GENESIS_HASH, hashEvent } from '../../protocol/chain.js';
import type { AccessEvent, CapturedEvent } from '../../protocol/event.js';
import { sealBatch } from '../../protocol/seal.js';

/** An error reply, or any other JSON object. */
export interface ApiReply {
  error?: { code: string; message: string };
  [key: string]: unknown;
}

/** One API token per role, made with `addApiUser` as the CLI does. */
export interface Tokens {
  admin: string;
  analyst: string;
  auditor: string;
}

/**
 * A real collector on 127.0.0.1 (serveCollector, real TLS) with one agent
 * enrolled over the real enrollment route and one API user per role.
 */
export interface LiveCollector {
  root: string;
  identity: CollectorIdentity;
  collector: RunningCollector;
  agent: AgentState;
  tokens: Tokens;
  /** The enrollment token used, for the log secrets test. */
  enrollToken: string;
  sender: BatchSender;
  /** Calls the people's API; `T` is the body a test expects. */
  api<T = ApiReply>(
    method: 'GET' | 'POST' | 'DELETE',
    path: string,
    token?: string,
    body?: unknown,
  ): Promise<{ status: number; body: T; headers: Record<string, unknown> }>;
  close(): Promise<void>;
}

export const POLICY = `id: records
severity: high
paths: ["/srv/records/**"]
allow:
  - name: readers
    users: [alice]
    actions: [read]
deny:
  - name: no-deletes
    actions: [delete]
    severity: critical
`;

export async function startLiveCollector(
  options: {
    watchdog?: Partial<WatchdogOptions>;
    /** Write the collector's JSON log here at trace level. */
    logFile?: string;
  } = {},
): Promise<LiveCollector> {
  const root = mkdtempSync(join(tmpdir(), 'vigil-people-'));
  const identity = initDataDir(join(root, 'data'));
  const policies = join(root, 'policies');
  mkdirSync(policies);
  writeFileSync(join(policies, 'records.yaml'), POLICY);
  const collector = await serveCollector({
    dataDir: identity.dir,
    listen: '127.0.0.1:0',
    policiesDir: policies,
    logger: options.logFile
      ? createLogger('vigil-collector', 'trace', options.logFile)
      : pino({ level: 'silent' }),
    ...(options.watchdog ? { watchdog: options.watchdog } : {}),
  });
  const store = openStore(identity.dir);
  const { token: enrollToken } = createEnrollToken(store, 'acme');
  const tokens = {} as Tokens;
  for (const role of ['admin', 'analyst', 'auditor'] as const) {
    tokens[role] = addApiUser(store, { name: role, role, by: 'test' }).token;
  }
  store.close();
  const stateDir = join(root, 'agent');
  await enrollAgent({
    collector: collector.url,
    token: enrollToken,
    caFingerprint: identity.caFingerprint,
    stateDir,
  });
  const agent = loadAgentState(stateDir);
  const sender = new BatchSender(collector.url, agent);
  const https = new Agent({ connect: { ca: identity.ca.certPem } });
  return {
    root,
    identity,
    collector,
    agent,
    tokens,
    enrollToken,
    sender,
    async api<T>(method: string, path: string, token?: string, body?: unknown) {
      const res = await request(`${collector.url}${path}`, {
        method,
        dispatcher: https,
        headers: {
          ...(token ? { authorization: `Bearer ${token}` } : {}),
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
      const text = await res.body.text();
      const type = String(res.headers['content-type'] ?? '');
      return {
        status: res.statusCode,
        body: (type.includes('application/json')
          ? JSON.parse(text)
          : text) as T,
        headers: res.headers,
      };
    },
    async close() {
      await sender.close();
      await https.close();
      await collector.close();
      rmSync(root, { recursive: true, force: true });
    },
  };
}

/** Chains, signs, seals and posts events as the agent, over mTLS. */
export class BatchSender {
  private seq = 0;
  private head = GENESIS_HASH;
  readonly mtls: Agent;

  constructor(
    private readonly url: string,
    private readonly agent: AgentState,
  ) {
    this.mtls = new Agent({
      connect: {
        ca: agent.caPem,
        cert: agent.certPem,
        key: agent.privateKeyPem,
      },
    });
  }

  /** Seq of the last event sent. */
  get lastSeq(): number {
    return this.seq;
  }

  async send(
    captured: CapturedEvent[],
    checkpointTime = new Date(),
  ): Promise<{ status: number; body: ApiReply; events: AccessEvent[] }> {
    const events = captured.map((event) => {
      const chained: AccessEvent = {
        seq: ++this.seq,
        prev: this.head,
        agent: {
          id: this.agent.identity.agentId,
          vendor: this.agent.identity.vendor,
          host: 'build-7',
        },
        ...event,
      };
      this.head = hashEvent(chained);
      return chained;
    });
    const batch = buildBatch(
      events,
      this.agent.identity.agentId,
      this.agent.privateKeyPem,
      checkpointTime,
    );
    const envelope = sealBatch(batch, this.agent.sealingCertPem);
    const res = await request(`${this.url}/v1/batches`, {
      method: 'POST',
      dispatcher: this.mtls,
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(envelope),
    });
    const body = (await res.body.json()) as ApiReply;
    return { status: res.statusCode, body, events };
  }

  close(): Promise<void> {
    return this.mtls.close();
  }
}

/** A read of `path` by `login`, as the audit sensor reports it. */
export function access(
  path: string,
  login = 'bob',
  action: CapturedEvent['action'] = 'read',
): CapturedEvent {
  return {
    time: new Date().toISOString(),
    source: 'audit',
    action,
    outcome: 'success',
    path,
    user: {
      login,
      name: login,
      uid: 1001,
      auid: 1001,
      effective: login,
      euid: 1001,
      groups: [login],
    },
    process: {
      pid: 42,
      ppid: 1,
      exe: '/usr/bin/cat',
      name: 'cat',
      cmdline: 'cat',
    },
  };
}

/** A heartbeat as agent/run.ts sends it, with `missing` roots. */
export function heartbeat(missing: string[] = []): CapturedEvent {
  return meta('heartbeat', {
    sensors: ['audit'],
    coverage: { designated: ['/srv/records/**'], watched: [], missing },
    spool: { envelopes: 0, bytes: 0 },
    counters: {},
  });
}

export function meta(
  action: CapturedEvent['action'],
  detail: Record<string, unknown>,
): CapturedEvent {
  return {
    time: new Date().toISOString(),
    source: 'agent',
    action,
    outcome: action === 'events.dropped' ? 'failed' : 'success',
    user: null,
    process: null,
    detail,
  };
}
