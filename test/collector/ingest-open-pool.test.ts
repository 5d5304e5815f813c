import { existsSync } from 'node:fs';
import type { Worker } from 'node:worker_threads';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openStore } from '../../collector/data-dir.js';
import type { HashedEvent } from '../../collector/ingest/chain-verdict.js';
import {
  openBatch,
  openingKeys,
  type OpeningAgent,
} from '../../collector/ingest/open-batch.js';
import {
  OpenPool,
  parseIngestWorkers,
} from '../../collector/ingest/open-pool.js';
import { PolicySet } from '../../collector/policy/policy-set.js';
import type { AccessEvent } from '../../protocol/event.js';
import { verifyReceipt } from '../../protocol/receipt.js';
import {
  startCollectorFixture,
  type CollectorFixture,
} from '../helpers/collector-fixture.js';
import { chainOf, sealFor, senderOf, type Sender } from './ingest-senders.js';

// Worker threads run JavaScript: the pool's worker is the compiled one,
// which `npm test` builds before the tests run.
const WORKER = new URL(
  '../../dist/collector/ingest/open-worker.js',
  import.meta.url,
);
const AT = '2026-12-04T10:00:00.000Z';

// Reads of /srv/records by bob: a deny rule, a default-deny of a second
// policy, and a limit, found on the worker and counted on this thread.
const RECORDS = PolicySet.fromDocuments([
  {
    file: 'a-records.yaml',
    text:
      'id: records\nseverity: high\npaths: ["/srv/records/**"]\n' +
      'deny:\n  - name: no-cat\n    processes: ["/usr/bin/cat"]\n' +
      'limits:\n  - name: bulk\n    max: 2\n    window: 1h\n    per: user\n',
  },
  {
    file: 'b-strict.yaml',
    text: 'id: strict\nseverity: low\npaths: ["/srv/**"]\n',
  },
]);
const NONE = PolicySet.fromDocuments([
  {
    file: 'none.yaml',
    text: 'id: none\nseverity: low\npaths: ["/nowhere/**"]\n',
  },
]);

describe('OpenPool (batches opened on worker threads)', () => {
  let fx: CollectorFixture;
  let sender: Sender;
  let agent: OpeningAgent;
  let pool: OpenPool;

  beforeAll(async () => {
    expect(existsSync(WORKER), 'run `npm run build` first').toBe(true);
    fx = await startCollectorFixture(
      'id: none\nseverity: low\npaths: ["/nowhere/**"]\n',
    );
    sender = senderOf(fx.agent);
    const store = openStore(fx.identity.dir);
    agent = store.getAgent(sender.id)!;
    store.close();
    pool = new OpenPool(openingKeys(fx.identity), 2, WORKER);
  }, 60_000);

  afterAll(async () => {
    await pool?.close();
    await fx?.close();
  });

  it('opens a batch exactly as this thread does, with a receipt that verifies', async () => {
    const envelope = sealFor(sender, chainOf(sender.id, 4));
    const opened = await pool.open(agent, envelope, AT, RECORDS);
    const here = openBatch(
      openingKeys(fx.identity),
      agent,
      envelope,
      AT,
      RECORDS,
    );
    const plain = (h: HashedEvent) => ({ ...h, event: h.event });
    expect(opened.hashed.map(plain)).toEqual(here.hashed.map(plain));
    expect(opened.batch).toEqual(here.batch);
    expect(opened.judged).toEqual(here.judged);
    expect(opened.receipt.receipt).toEqual({
      agent: sender.id,
      seq: 4,
      head: here.batch.checkpoint.head,
      received_at: AT,
    });
    verifyReceipt(opened.receipt, fx.identity.signing.certPem);
  });

  it('judges each batch by the policy set it is given, reloads included', async () => {
    const envelope = sealFor(sender, chainOf(sender.id, 3));
    const judgedBy = async (set: PolicySet) =>
      (await pool.open(agent, envelope, AT, set)).judged;
    const records = await judgedBy(RECORDS);
    // Every event: the deny of records, its limit to count, strict's default-deny.
    expect(records.map((j) => j.index)).toEqual([0, 1, 2]);
    expect(records[0]!.found).toEqual([
      { draft: expect.objectContaining({ policy: 'records', rule: 'no-cat' }) },
      {
        limit: {
          policy: 0,
          limit: 0,
          key: '["user","acme","bob"]',
          ms: Date.parse(chainOf(sender.id, 1)[0]!.time),
          by: 'by bob',
        },
      },
      {
        draft: expect.objectContaining({
          policy: 'strict',
          kind: 'default-deny',
        }),
      },
    ]);
    // Both workers, one after the other, get the set that replaced it.
    for (let i = 0; i < 4; i++) expect(await judgedBy(NONE)).toEqual([]);
    expect(await judgedBy(RECORDS)).toEqual(records);
    // Sent ahead of any batch, as on a reload; the same files read again
    // are the same set to a worker.
    await pool.usePolicies(NONE);
    for (let i = 0; i < 4; i++) expect(await judgedBy(NONE)).toEqual([]);
    const reread = PolicySet.fromSources(RECORDS.sources);
    await pool.usePolicies(reread);
    for (let i = 0; i < 4; i++) expect(await judgedBy(reread)).toEqual(records);
  });

  /** A sealed batch of two whose last event has `change` applied. */
  function lastChanged(change: Partial<AccessEvent>) {
    const [first, last] = chainOf(sender.id, 2);
    return sealFor(sender, [first!, { ...last!, ...change }]);
  }

  it('hands back refusals with the code and message this thread gives', async () => {
    const envelope = sealFor(sender, chainOf(sender.id, 2));
    const keys = openingKeys(fx.identity);
    const cases: [unknown, OpeningAgent, string][] = [
      [
        // The first character changed, whatever it was: the tag fails.
        { ...envelope, data: flipFirst(envelope.data) },
        agent,
        'VIGIL_ENVELOPE_DECRYPT_FAILED',
      ],
      [
        { ...envelope, kid: 'f'.repeat(64) },
        agent,
        'VIGIL_ENVELOPE_KEY_UNKNOWN',
      ],
      ['not an envelope', agent, 'VIGIL_ENVELOPE_INVALID'],
      [envelope, { ...agent, id: 'another-agent' }, 'VIGIL_AGENT_MISMATCH'],
      // A worker's stack holds deeper values than the main thread's, which
      // would later canonicalize, forward and export them.
      [lastChanged({ detail: nested(40) }), agent, 'VIGIL_SCHEMA_INVALID'],
      // No such day: limits could not count the event.
      [
        lastChanged({ time: '2026-02-30T10:00:00Z' }),
        agent,
        'VIGIL_SCHEMA_INVALID',
      ],
    ];
    for (const [bad, who, code] of cases) {
      let here: unknown;
      try {
        openBatch(keys, who, bad, AT, NONE);
      } catch (error) {
        here = error;
      }
      expect(here).toMatchObject({ code });
      const { message } = here as Error;
      await expect(pool.open(who, bad, AT, NONE)).rejects.toMatchObject({
        code,
        message,
      });
    }
  });

  it('lets a detail object nest a few levels', async () => {
    const envelope = lastChanged({ detail: nested(14) });
    const opened = await pool.open(agent, envelope, AT, NONE);
    expect(opened.hashed.at(-1)?.event.detail).toEqual(nested(14));
  });

  it('refuses the batches of a worker that died and keeps opening with a new one', async () => {
    const envelope = sealFor(sender, chainOf(sender.id, 3));
    const slots = (pool as unknown as { slots: { worker: Worker }[] }).slots;
    const pending = pool.open(agent, envelope, AT, NONE);
    const dying = slots.find(
      (s) => (s as unknown as { pending: Map<number, unknown> }).pending.size,
    )!;
    await dying.worker.terminate();
    await expect(pending).rejects.toMatchObject({ code: 'VIGIL_INTERNAL' });
    await expect.poll(() => pool.size, { timeout: 5_000 }).toBe(2);
    await Promise.all(
      [1, 2, 3, 4].map(() => pool.open(agent, envelope, AT, NONE)),
    );
  });

  it('will not start from the sources, where no compiled worker exists', () => {
    const source = new URL('./missing-open-worker.js', import.meta.url);
    expect(() => new OpenPool(openingKeys(fx.identity), 1, source)).toThrow(
      expect.objectContaining({
        code: 'VIGIL_INTERNAL',
        message: expect.stringContaining('--ingest-workers 0'),
      }),
    );
  });

  it('refuses to open once closed', async () => {
    const closed = new OpenPool(openingKeys(fx.identity), 1, WORKER);
    await closed.close();
    await expect(
      closed.open(agent, sealFor(sender, chainOf(sender.id, 1)), AT, NONE),
    ).rejects.toMatchObject({ code: 'VIGIL_INTERNAL' });
  });
});

/** `{d: [{d: [...]}]}`, `levels` objects and arrays deep. */
function nested(levels: number): Record<string, unknown> {
  let value: unknown = 'end';
  for (let i = 0; i < levels; i++) value = i % 2 ? { d: value } : [value];
  return { d: value };
}

function flipFirst(base64: string): string {
  return (base64.startsWith('A') ? 'B' : 'A') + base64.slice(1);
}

describe('parseIngestWorkers (--ingest-workers)', () => {
  it('reads a whole number from 0 to 64', () => {
    expect(parseIngestWorkers('0')).toBe(0);
    expect(parseIngestWorkers('2')).toBe(2);
    expect(parseIngestWorkers(' 64 ')).toBe(64);
  });

  it.each(['', '-1', '65', '1.5', 'two', '2e1', '0x2'])(
    'refuses %j with VIGIL_INGEST_WORKERS_INVALID',
    (text) => {
      expect(() => parseIngestWorkers(text)).toThrow(
        expect.objectContaining({ code: 'VIGIL_INGEST_WORKERS_INVALID' }),
      );
    },
  );
});
