import { join } from 'node:path';
import { request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { COLLECTOR_ERROR_CODES } from '../../collector/errors.js';
import {
  buildBatch,
  signReceipt,
  verifyReceipt,
  type SignedReceipt,
} from '../../protocol/batch.js';
import { PROTOCOL_ERROR_CODES } from '../../protocol/errors.js';
import { hashEvent } from '../../protocol/chain.js';
import { generateRsaKeyPair } from '../../protocol/keys.js';
import { sealBatch, type Envelope } from '../../protocol/seal.js';
import {
  snapshotStore,
  startCollectorFixture,
  type CollectorFixture,
} from '../helpers/collector-fixture.js';
import {
  chainEvents,
  chainOf,
  enrollSender,
  postBatch,
  sealFor,
  senderOf,
  type Sender,
} from './ingest-senders.js';
import { hostileCorpus, type Hostile, type Outcome } from './hostile-corpus.js';

/** At least this many hostile requests are sent... */
const HOSTILE_REQUESTS = 2_000;
/** ...within this much time; more is a hang or a crawl. */
const HOSTILE_TIME_LIMIT_MS = 90_000;
const PARALLEL = 8;
const RSS_GROWTH_LIMIT_BYTES = 200 * 1024 * 1024;

const POLICY = `id: records
severity: high
paths: ["/srv/records/**"]
allow:
  - name: readers
    users: [bob]
    actions: [read]
`;

const STABLE = new Set<string>([
  ...COLLECTOR_ERROR_CODES,
  ...PROTOCOL_ERROR_CODES,
]);

describe('collector under hostile requests', () => {
  let fx: CollectorFixture;
  let a: Sender;
  let b: Sender;
  let nextOfA: Envelope;
  let before: Record<string, unknown[]>;
  let rssGrowth = 0;
  let kinds: string[] = [];
  const outcomes: { kind: string; outcome: Outcome }[] = [];

  beforeAll(async () => {
    fx = await startCollectorFixture(POLICY);
    a = senderOf(fx.agent);
    b = await enrollSender(
      fx.collector.url,
      fx.identity.dir,
      fx.identity.caFingerprint,
      join(fx.root, 'agent-b'),
    );
    const chainA = chainOf(a.id, 5);
    const chainB = chainOf(b.id, 2);
    await postBatch(
      fx.collector.url,
      a,
      JSON.stringify(sealFor(a, chainA.slice(0, 3))),
    );
    const storedOfB = sealFor(b, chainB);
    await postBatch(fx.collector.url, b, JSON.stringify(storedOfB));
    nextOfA = sealFor(a, chainA.slice(3, 5));
    const corpus = hostileCorpus({
      url: fx.collector.url,
      port: Number(new URL(fx.collector.url).port),
      a,
      b,
      nextOfA,
      storedOfB,
      nextOfB: sealFor(b, chainEvents(b.id, 3, 2, hashEvent(chainB[1]!))),
      forgedByA: sealBatch(
        buildBatch(
          chainEvents(b.id, 3, 2, hashEvent(chainB[1]!)),
          b.id,
          a.state.privateKeyPem,
        ),
        a.state.sealingCertPem,
      ),
    });
    kinds = corpus.map((h) => h.kind);
    before = snapshotStore(fx.identity.dir);
    const rss = process.memoryUsage().rss;
    await runCorpus(corpus);
    rssGrowth = process.memoryUsage().rss - rss;
  }, 180_000);

  afterAll(async () => {
    await a?.mtls.close();
    await b?.mtls.close();
    await fx?.close();
  });

  async function runCorpus(corpus: Hostile[]): Promise<void> {
    const deadline = Date.now() + HOSTILE_TIME_LIMIT_MS;
    let next = 0;
    const worker = async () => {
      while (next < HOSTILE_REQUESTS && Date.now() < deadline) {
        const i = next++;
        const hostile = corpus[i % corpus.length]!;
        // Each kind counts its own turns, so it goes through its variants.
        const turn = Math.floor(i / corpus.length);
        outcomes.push({
          kind: hostile.kind,
          outcome: await hostile.send(turn),
        });
      }
    };
    await Promise.all(Array.from({ length: PARALLEL }, worker));
  }

  it(`sends at least ${HOSTILE_REQUESTS} hostile requests of every kind`, () => {
    expect(outcomes.length).toBeGreaterThanOrEqual(HOSTILE_REQUESTS);
    expect(new Set(outcomes.map((o) => o.kind))).toEqual(new Set(kinds));
  });

  it('answers every one with a 4xx', () => {
    const bad = outcomes.filter(
      ({ outcome: o }) => o.status < 400 || o.status > 499,
    );
    expect(bad.slice(0, 5)).toEqual([]);
  });

  it('answers every one with a stable code and a message', () => {
    const bad = outcomes.filter(
      ({ outcome: o }) =>
        o.status < 400 ||
        o.status > 499 ||
        !STABLE.has(o.code ?? '') ||
        !(o.message && o.message.length > 0),
    );
    expect(bad.slice(0, 5)).toEqual([]);
  });

  it('answers each kind with the code that names its problem', () => {
    const wrong = outcomes.filter(
      ({ outcome: o }) => o.expected && !o.expected.includes(o.code ?? ''),
    );
    expect(wrong.slice(0, 5)).toEqual([]);
  });

  it('echoes no payload in a message', () => {
    const echoing = outcomes.filter(({ outcome: o }) =>
      /[A-Za-z0-9+/]{80}|\[\[\[\[|"data"/.test(o.message ?? ''),
    );
    expect(echoing.slice(0, 5)).toEqual([]);
  });

  it('keeps memory bounded', () => {
    expect(rssGrowth).toBeLessThan(RSS_GROWTH_LIMIT_BYTES);
  });

  it('left the store exactly as it was', () => {
    expect(snapshotStore(fx.identity.dir)).toEqual(before);
  });

  it('still takes a valid batch, storing only it', async () => {
    const res = await postBatch(fx.collector.url, a, JSON.stringify(nextOfA));
    expect(res.status).toBe(200);
    const after = snapshotStore(fx.identity.dir);
    const added = (name: string) =>
      (after[name] as unknown[]).filter(
        (row) =>
          !(before[name] as unknown[]).some(
            (old) => JSON.stringify(old) === JSON.stringify(row),
          ),
      );
    expect(added('events')).toHaveLength(2);
    expect(added('batches')).toHaveLength(1);
    expect(added('agents')).toHaveLength(1);
    // The batch is the log's next leaf, with a checkpoint at the new size.
    expect(added('log_checkpoints')).toHaveLength(1);
    expect(added('log_nodes').length).toBeGreaterThanOrEqual(1);
    const grown = ['events', 'batches', 'agents', 'violations', 'log_nodes'];
    for (const table of Object.keys(before)) {
      if ([...grown, 'log_checkpoints'].includes(table)) continue;
      expect(after[table], table).toEqual(before[table]);
    }
  });

  describe('when a receipt is forged', () => {
    const genuine = (): SignedReceipt =>
      signReceipt(
        {
          agent: a.id,
          seq: 5,
          head: 'f'.repeat(64),
          received_at: '2026-12-04T10:00:00.000Z',
        },
        fx.identity.signing.privateKeyPem,
      );

    it('the agent refuses one signed by another key', () => {
      const forged = signReceipt(
        genuine().receipt,
        generateRsaKeyPair(2048).privateKeyPem,
      );
      expect(() => verifyReceipt(forged, a.state.signingCertPem)).toThrow(
        expect.objectContaining({ code: 'VIGIL_SIGNATURE_INVALID' }),
      );
    });

    it('the agent refuses a genuine receipt with an edited seq', () => {
      const edited = genuine();
      edited.receipt.seq = 6;
      expect(() => verifyReceipt(edited, a.state.signingCertPem)).toThrow(
        expect.objectContaining({ code: 'VIGIL_SIGNATURE_INVALID' }),
      );
    });

    it('the agent refuses a receipt of the wrong shape', () => {
      const shapeless = { receipt: { agent: a.id }, signature: 'x' };
      expect(() =>
        verifyReceipt(shapeless as never, a.state.signingCertPem),
      ).toThrow(expect.objectContaining({ code: 'VIGIL_RECEIPT_INVALID' }));
    });
  });

  it('still answers health checks', async () => {
    const res = await request(`${fx.collector.url}/healthz`, {
      dispatcher: a.mtls,
    });
    expect(res.statusCode).toBe(200);
    await res.body.dump();
  });
});
