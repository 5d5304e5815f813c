import {
  copyFileSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  rmSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { enrollAgent } from '../../../agent/enroll.js';
import { loadAgentState } from '../../../agent/state.js';
import { openStore } from '../../../collector/data-dir.js';
import { createEnrollToken } from '../../../collector/enroll.js';
import { Ingest } from '../../../collector/ingest/ingest.js';
import { PolicySet } from '../../../collector/policy/policy-set.js';
import type { ViolationRecord } from '../../../collector/store/store.js';
import { hashEvent } from '../../../protocol/chain.js';
import { chainEvents, sealFor, senderOf } from '../ingest-senders.js';
import {
  access,
  BatchSender,
  heartbeat,
  meta,
  startLiveCollector,
  type LiveCollector,
} from '../live-collector.js';

const REPO = join(import.meta.dirname, '..', '..', '..');
const DAY_MS = 24 * 60 * 60 * 1000;
/** The agent of vendor globex is called silent after this long. */
const SILENT_AFTER_MS = 3_000;
const CUSTOMERS = '/srv/vigil-demo/customers';

/**
 * Names a vendor's machine chose, as logins and file names: formulas a
 * spreadsheet would run (OWASP "CSV Injection" starts), CSV and HTML
 * syntax, line breaks, Chinese and a right-to-left override. Line
 * breaks sit in logins: the policies' globs match no path holding one,
 * so such a path raises no violation a report could show.
 */
export const HOSTILE_LOGINS = [
  '=HYPERLINK("http://x")',
  '+cmd',
  '-1',
  '@SUM(1+1)',
  '\tTAB',
  '\rCR',
  "'quoted",
  'new\nline',
  'crlf\r\nuser',
] as const;

export const HOSTILE_FILES = [
  'a,b "c".csv',
  'tab\there.csv',
  '客户名单.csv',
  '</script><img src=x onerror=alert(1)>',
  '<b id="injected">bold</b>&amp;',
  'invoice\u202Efdp.exe',
] as const;

/** A note an analyst typed, with CSV syntax and a formula start. */
export const HOSTILE_NOTE = '=1+2, "checked"\nsecond line';

/** Violations ingested in-process with the collector's clock set back. */
export const BACKDATED = [
  { daysAgo: 6, events: 2 },
  { daysAgo: 3, events: 4 },
  { daysAgo: 1, events: 1 },
] as const;

export interface ReportFixture {
  /** A data directory holding only store.db, a frozen copy. */
  dataDir: string;
  root: string;
  vendors: { acme: string; globex: string; initech: string };
  close(): void;
}

/**
 * A collector store with real violations for report tests, made through
 * the real ingest path: a live collector (real TLS and mTLS) running the
 * example policies of policies/, agents of three vendors, hostile logins
 * and paths, triage through the people's API, watchdog conditions (silent,
 * coverage, dropped, clock), and batches ingested in-process with the
 * collector's clock set days back so the trend spans several days. The
 * store is then copied with SQLite's online backup, so the watchdog's
 * timer changes nothing the tests read.
 */
export async function buildReportFixture(): Promise<ReportFixture> {
  const fx = await startLiveCollector({
    watchdog: {
      silentAfterMs: SILENT_AFTER_MS,
      tickMs: 100,
      clockSkewMs: 60_000,
      clockConfirmMs: 0,
    },
  });
  try {
    useExamplePolicies(fx);
    const globex = await enroll(fx, 'globex', 'ws-07');
    const initech = await enroll(fx, 'initech', '@host, "initech"');
    await globex.send([access(`${CUSTOMERS}/clients.csv`, 'mallory')]);
    await waitForSilence(fx, globex.agentId);
    await sendAcme(fx);
    await triage(fx);
    backdate(fx, initech.agentId);
    const root = mkdtempSync(join(tmpdir(), 'vigil-report-'));
    const dataDir = join(root, 'data');
    mkdirSync(dataDir);
    const store = openStore(fx.identity.dir, true);
    try {
      await store.backup(join(dataDir, 'store.db'));
    } finally {
      store.close();
    }
    await globex.close();
    await initech.close();
    return {
      dataDir,
      root,
      vendors: {
        acme: fx.agent.identity.agentId,
        globex: globex.agentId,
        initech: initech.agentId,
      },
      close: () => rmSync(root, { recursive: true, force: true }),
    };
  } finally {
    await fx.close();
  }
}

/** Every violation of the fixture's store, as the store reads it. */
export function storedViolations(dataDir: string): ViolationRecord[] {
  const store = openStore(dataDir, true);
  try {
    return store.queryViolations({});
  } finally {
    store.close();
  }
}

function useExamplePolicies(fx: LiveCollector): void {
  const dir = join(fx.root, 'policies');
  for (const name of readdirSync(join(REPO, 'policies'))) {
    if (name.endsWith('.yaml') && !name.endsWith('.test.yaml')) {
      copyFileSync(join(REPO, 'policies', name), join(dir, name));
    }
  }
  fx.collector.reloadPolicies();
}

async function enroll(fx: LiveCollector, vendor: string, host: string) {
  const store = openStore(fx.identity.dir);
  const { token } = createEnrollToken(store, vendor);
  store.close();
  const stateDir = join(fx.root, `agent-${vendor}`);
  await enrollAgent({
    collector: fx.collector.url,
    token,
    caFingerprint: fx.identity.caFingerprint,
    stateDir,
    host,
  });
  const state = loadAgentState(stateDir);
  const sender = new BatchSender(fx.collector.url, state);
  return Object.assign(sender, { agentId: state.identity.agentId, state });
}

async function waitForSilence(fx: LiveCollector, agent: string) {
  const deadline = Date.now() + SILENT_AFTER_MS * 5;
  while (Date.now() < deadline) {
    const store = openStore(fx.identity.dir, true);
    const silent = store
      .listWatches()
      .some((w) => w.agent === agent && w.watch === 'agent.silent');
    store.close();
    if (silent) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`agent ${agent} never became silent`);
}

/** acme: hostile logins and paths, deletes, losses, a missing root, skew. */
async function sendAcme(fx: LiveCollector): Promise<void> {
  const sends = [
    HOSTILE_LOGINS.map((login) => access(`${CUSTOMERS}/list.csv`, login)),
    HOSTILE_FILES.map((file) => access(`${CUSTOMERS}/${file}`, 'bob')),
    [
      access(`${CUSTOMERS}/old.csv`, 'bob', 'delete'),
      access('/srv/vigil-demo/records/ledger-2025.csv', 'carol', 'delete'),
    ],
    [heartbeat(['/srv/records'])],
    [
      meta('events.dropped', { count: 7, reason: 'spool full' }),
      meta('audit.lost', { count: 3 }),
      meta('sensor.degraded', { sensor: 'audit', reason: 'rule refused' }),
    ],
  ];
  for (const events of sends) {
    const sent = await fx.sender.send(events);
    if (sent.status !== 200) throw new Error(`batch refused: ${sent.status}`);
  }
  // A checkpoint signed ten minutes ahead of its arrival: agent.clock.
  // No heartbeat in it: that would say the losses above stopped.
  const ahead = new Date(Date.now() + 10 * 60_000);
  const sent = await fx.sender.send(
    [access(`${CUSTOMERS}/b.csv`, 'dave')],
    ahead,
  );
  if (sent.status !== 200) throw new Error(`batch refused: ${sent.status}`);
}

/** One violation acknowledged, one resolved with a hostile note. */
async function triage(fx: LiveCollector): Promise<void> {
  const store = openStore(fx.identity.dir, true);
  const rows = store.queryViolations({ kind: ['deny'] });
  store.close();
  const [first, second] = rows;
  if (!first || !second) throw new Error('expected two deny violations');
  const steps: [number, string, unknown][] = [
    [first.id, 'ack', { note: 'looking' }],
    [second.id, 'ack', {}],
    [second.id, 'resolve', { note: HOSTILE_NOTE }],
  ];
  for (const [id, action, body] of steps) {
    const res = await fx.api(
      'POST',
      `/v1/violations/${id}/${action}`,
      fx.tokens.analyst,
      body,
    );
    if (res.status !== 200) throw new Error(`${action} ${id}: ${res.status}`);
  }
}

/** initech's reads, ingested as if received days ago. */
function backdate(fx: LiveCollector, agent: string): void {
  const sender = senderOf(loadAgentState(join(fx.root, 'agent-initech')));
  const policies = PolicySet.load(join(fx.root, 'policies'));
  const store = openStore(fx.identity.dir);
  try {
    let seq = 1;
    let prev: string | undefined;
    for (const { daysAgo, events: count } of BACKDATED) {
      const at = new Date(Date.now() - daysAgo * DAY_MS);
      const ingest = new Ingest({
        store,
        identity: fx.identity,
        policies: () => policies,
        now: () => at,
      });
      const path = `${CUSTOMERS}/day-${daysAgo}.csv`;
      const events = chainEvents(agent, seq, count, prev, path);
      ingest.accept(store.getAgent(agent)!, sealFor(sender, events));
      seq += count;
      prev = hashEvent(events.at(-1)!);
    }
  } finally {
    store.close();
    void sender.mtls.close();
  }
}
