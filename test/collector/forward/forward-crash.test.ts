import type { ChildProcess } from 'node:child_process';
import {
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Agent, request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadDataDir } from '../../../collector/data-dir.js';
import {
  freePort,
  requireBuild,
  stopDaemon,
  vigil,
  vigilDaemon,
} from '../../helpers/vigil-cli.js';
import { chainPoster, enrollSender, type Sender } from '../ingest-senders.js';
import { metricValue, poll, storedIds, waitForIds } from './forward-fixture.js';
import { recordId, startReceiver, type Receiver } from './receiver.js';

/** Times the collector is killed with SIGKILL while it forwards. */
const KILLS = 3;
const BATCHES = 20;
const EVENTS_PER_BATCH = 50;
/** The receiver keeps each page this long before it answers. */
const RECEIVER_DELAY_MS = 300;

// Every read is by bob, whom no rule allows: each event is also a
// default-deny violation, so both cursors move.
const POLICY = `id: records
severity: high
paths: ["/srv/records/**"]
allow:
  - name: readers
    users: [alice]
    actions: [read]
`;

describe('forwarding across kill -9 of `vigil collector serve`', () => {
  let root: string;
  let dataDir: string;
  let file: string;
  let receiver: Receiver;
  let child: ChildProcess | undefined;
  let sender: Sender;
  let url: string;
  let serveArgs: string[];

  beforeAll(async () => {
    requireBuild();
    root = mkdtempSync(join(tmpdir(), 'vigil-forward-crash-'));
    dataDir = join(root, 'collector');
    const policies = join(root, 'policies');
    mkdirSync(policies);
    writeFileSync(join(policies, 'policy.yaml'), POLICY);
    const init = vigil(['collector', 'init', '--data', dataDir]);
    if (init.status !== 0) throw new Error(init.stderr);
    receiver = await startReceiver(undefined, 0, RECEIVER_DELAY_MS);
    file = join(root, 'siem.ndjson');
    const port = await freePort();
    url = `https://127.0.0.1:${port}`;
    serveArgs = [
      'collector',
      'serve',
      '--data',
      dataDir,
      '--listen',
      `127.0.0.1:${port}`,
      '--policies',
      policies,
      '--forward-url',
      receiver.url,
      '--forward-file',
      file,
    ];
    await start();
    sender = await enrollSender(
      url,
      dataDir,
      loadDataDir(dataDir).caFingerprint,
      join(root, 'agent'),
    );
    const post = chainPoster(() => url, sender);
    for (let i = 0; i < BATCHES; i++) {
      const { reply } = await post(EVENTS_PER_BATCH);
      if (reply.status !== 200) throw new Error(JSON.stringify(reply.body));
    }
    for (let kill = 0; kill < KILLS; kill++) {
      // Kill while the receiver holds a page it has not answered yet.
      const seen = receiver.requests.length;
      await untilInFlight(seen);
      await kill9();
      await start();
    }
  }, 120_000);

  afterAll(async () => {
    await sender?.mtls.close();
    await stopDaemon(child);
    await receiver?.close();
    rmSync(root, { recursive: true, force: true });
  });

  async function start(): Promise<void> {
    ({ child } = await vigilDaemon(serveArgs, (line) =>
      line.includes('collector listening'),
    ));
  }

  // Polls far more often than the receiver answers, so the kill lands
  // while it holds the page: the page is stored there, never acknowledged.
  async function untilInFlight(seen: number): Promise<void> {
    const deadline = Date.now() + 30_000;
    while (receiver.requests.length <= seen) {
      if (Date.now() > deadline) throw new Error('no page was sent');
      await new Promise((r) => setTimeout(r, 10));
    }
  }

  async function kill9(): Promise<void> {
    const running = child!;
    const exited = new Promise((r) => running.once('exit', r));
    running.kill('SIGKILL');
    await exited;
  }

  it('delivers every event and violation to the receiver at least once', async () => {
    const expected = storedIds(dataDir);
    expect(expected.size).toBe(2 * BATCHES * EVENTS_PER_BATCH);
    await waitForIds('receiver', expected, () => receiver.ids(), 60_000);
  }, 90_000);

  it('sends a record again only as an identical copy under its id', () => {
    // The pages held at each kill were stored and sent again.
    expect(receiver.records.length).toBeGreaterThan(storedIds(dataDir).size);
    const first = new Map<string, string>();
    for (const { id, text } of receiver.records) {
      expect(first.get(id) ?? text).toBe(text);
      first.set(id, text);
    }
  });

  it('writes every record to the file, each line whole', async () => {
    const expected = storedIds(dataDir);
    await waitForIds('file', expected, () => idsIn(file), 60_000);
    const lines = readFileSync(file, 'utf8').split('\n').filter(Boolean);
    const seen = new Map<string, string>();
    for (const line of lines) {
      const id = recordId(JSON.parse(line) as Record<string, unknown>);
      expect(seen.get(id) ?? line).toBe(line);
      seen.set(id, line);
    }
  }, 90_000);

  it('ends with nothing pending for either sink', async () => {
    const https = new Agent({
      connect: { ca: loadDataDir(dataDir).ca.certPem },
    });
    try {
      await poll('no lag', async () => {
        const res = await request(`${url}/metrics`, { dispatcher: https });
        const text = await res.body.text();
        const lags = ['file', 'http'].map((sink) =>
          metricValue(text, `vigil_forward_pending{sink="${sink}"}`),
        );
        return lags.every((lag) => lag === 0) ? true : undefined;
      });
    } finally {
      await https.close();
    }
  });
});

function idsIn(file: string): Set<string> {
  const ids = new Set<string>();
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    try {
      ids.add(recordId(JSON.parse(line) as Record<string, unknown>));
    } catch {
      // A line still being written: the next poll reads it whole.
    }
  }
  return ids;
}
