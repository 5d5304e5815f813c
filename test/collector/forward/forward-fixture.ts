import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import pino from 'pino';
import { Agent, request } from 'undici';
import {
  initDataDir,
  type CollectorIdentity,
} from '../../../collector/data-dir.js';
import type { ForwardConfig } from '../../../collector/forward/forward-config.js';
import { createLogger } from '../../../collector/log.js';
import {
  serveCollector,
  type RunningCollector,
} from '../../../collector/serve.js';
import type { AccessEvent, CapturedEvent } from '../../../protocol/event.js';
import { waitFor } from '../../helpers/vigil-cli.js';
import {
  chainEvents,
  enrollSender,
  postBatch,
  sealFor,
  type Sender,
} from '../ingest-senders.js';
import { access, BatchSender, heartbeat, POLICY } from '../live-collector.js';

/** Quick retries so tests wait seconds, not the product's 30 s cap. */
export const TEST_RETRY = { baseMs: 50, maxMs: 400 };
export const TEST_POLL_MS = 100;

/** A real collector (serveCollector, real TLS) that forwards, one agent. */
export interface ForwardingCollector {
  root: string;
  /** The collector's JSON log at trace level, when asked for. */
  logFile: string | undefined;
  identity: CollectorIdentity;
  collector: RunningCollector;
  sender: BatchSender;
  /** The enrolled agent, for batches cut by hand. */
  agent: Sender;
  /** The `GET /metrics` text. */
  metrics(): Promise<string>;
  /** Closes the collector and serves again on the same port and data. */
  restart(): Promise<void>;
  close(): Promise<void>;
}

/**
 * Starts a collector in this process with the records policy of
 * live-collector.ts and `forward(root)` as its forwarding config.
 */
export async function startForwardingCollector(
  forward: (root: string) => ForwardConfig,
  options: { log?: boolean } = {},
): Promise<ForwardingCollector> {
  const root = mkdtempSync(join(tmpdir(), 'vigil-forward-'));
  const identity = initDataDir(join(root, 'data'));
  const policies = join(root, 'policies');
  mkdirSync(policies);
  writeFileSync(join(policies, 'records.yaml'), POLICY);
  const config = forward(root);
  const logFile = options.log ? join(root, 'collector.log') : undefined;
  const serve = (listen: string) =>
    serveCollector({
      dataDir: identity.dir,
      listen,
      policiesDir: policies,
      logger: logFile
        ? createLogger('vigil-collector', 'trace', logFile)
        : pino({ level: 'silent' }),
      forward: config,
    });
  let collector = await serve('127.0.0.1:0');
  const agent = await enrollSender(
    collector.url,
    identity.dir,
    identity.caFingerprint,
    join(root, 'agent'),
  );
  const sender = new BatchSender(collector.url, agent.state);
  const https = new Agent({ connect: { ca: identity.ca.certPem } });
  const fx: ForwardingCollector = {
    root,
    logFile,
    identity,
    collector,
    sender,
    agent,
    async metrics() {
      const res = await request(`${collector.url}/metrics`, {
        dispatcher: https,
      });
      return res.body.text();
    },
    async restart() {
      const port = new URL(collector.url).port;
      await collector.close();
      collector = await serve(`127.0.0.1:${port}`);
      fx.collector = collector;
    },
    async close() {
      await sender.close();
      await agent.mtls.close();
      await https.close();
      await collector.close();
      rmSync(root, { recursive: true, force: true });
    },
  };
  return fx;
}

/**
 * Sends accesses of every kind the mappings treat apart: allowed, denied
 * by a rule, flagged by default, a rename, a chmod with file details, an
 * fs event without a user, an access the kernel refused, and a heartbeat
 * missing a root (agent.coverage). Returns the events as chained.
 */
export async function sendMix(sender: BatchSender): Promise<AccessEvent[]> {
  const rename: CapturedEvent = {
    ...access('/srv/records/old.csv', 'bob', 'rename'),
    target: '/srv/records/new.csv',
  };
  const chmod: CapturedEvent = {
    ...access('/srv/records/keys.csv', 'alice', 'chmod'),
    file: {
      size: 2048,
      mode: '0100640',
      owner: 1002,
      inode: 77,
      sha256: 'ab'.repeat(32),
    },
  };
  const fsWrite: CapturedEvent = {
    ...access('/srv/records/fs.csv', 'x', 'write'),
    source: 'fs',
    user: null,
    process: null,
  };
  const refused: CapturedEvent = {
    ...access('/srv/records/secret.csv', 'bob'),
    outcome: 'denied',
  };
  const first = await sender.send([
    access('/srv/records/a.csv', 'alice'),
    access('/srv/records/b.csv', 'bob'),
    access('/srv/records/c.csv', 'bob', 'delete'),
  ]);
  const second = await sender.send([rename, chmod, fsWrite, refused]);
  const third = await sender.send([heartbeat(['/srv/records/**'])]);
  for (const reply of [first, second, third]) {
    if (reply.status !== 200) throw new Error(JSON.stringify(reply.body));
  }
  return [...first.events, ...second.events, ...third.events];
}

/**
 * Enrolls another agent and posts `count` chained reads of it from
 * `firstSeq`, over a connection of its own. From seq 5 the collector
 * stores the batch and raises integrity.gap, a violation with no event.
 */
export async function postFromNewAgent(
  fx: ForwardingCollector,
  name: string,
  firstSeq = 1,
  count = 2,
): Promise<AccessEvent[]> {
  const other = await enrollSender(
    fx.collector.url,
    fx.identity.dir,
    fx.identity.caFingerprint,
    join(fx.root, name),
  );
  const prev = firstSeq === 1 ? undefined : 'f'.repeat(64);
  const events = chainEvents(other.id, firstSeq, count, prev);
  const reply = await postBatch(
    fx.collector.url,
    other,
    JSON.stringify(sealFor(other, events)),
  );
  await other.mtls.close();
  if (reply.status !== 200) throw new Error(JSON.stringify(reply.body));
  return events;
}

/** Raises integrity.gap: see postFromNewAgent. */
export function sendGap(fx: ForwardingCollector): Promise<AccessEvent[]> {
  return postFromNewAgent(fx, 'agent-gap', 5);
}

/** The ids every stored event and violation is forwarded under. */
export function storedIds(dataDir: string): Set<string> {
  const db = new Database(join(dataDir, 'store.db'), { readonly: true });
  try {
    const events = db.prepare('SELECT agent, seq FROM events').all() as {
      agent: string;
      seq: number;
    }[];
    const violations = db.prepare('SELECT id FROM violations').all() as {
      id: number;
    }[];
    return new Set([
      ...events.map((e) => `${e.agent}:${e.seq}`),
      ...violations.map((v) => `violation:${v.id}`),
    ]);
  } finally {
    db.close();
  }
}

/** Stored violations, for checking what the mappings made of them. */
export function storedViolations(dataDir: string) {
  const db = new Database(join(dataDir, 'store.db'), { readonly: true });
  try {
    return db.prepare('SELECT * FROM violations ORDER BY id').all() as {
      id: number;
      agent: string;
      seq: number;
      policy: string;
      rule: string;
      kind: string;
      severity: string;
      reason: string;
    }[];
  } finally {
    db.close();
  }
}

/** Waits until `has()` holds every id of `expected`; gives the missing. */
export async function waitForIds(
  what: string,
  expected: Set<string>,
  has: () => Set<string>,
  timeoutMs = 30_000,
): Promise<void> {
  await waitFor(
    `${what}: ${expected.size} records`,
    () => {
      const got = has();
      return [...expected].every((id) => got.has(id)) ? true : undefined;
    },
    timeoutMs,
  );
}

/** Polls an async `check` until it gives a value other than undefined. */
export async function poll<T>(
  what: string,
  check: () => Promise<T | undefined>,
  timeoutMs = 30_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** The value of a metric sample in a /metrics text, or undefined. */
export function metricValue(text: string, sample: string): number | undefined {
  const line = text.split('\n').find((l) => l.startsWith(`${sample} `));
  return line === undefined ? undefined : Number(line.slice(sample.length + 1));
}
