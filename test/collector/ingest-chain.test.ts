import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyReceipt } from '../../protocol/batch.js';
import { hashEvent } from '../../protocol/chain.js';
import type { AccessEvent } from '../../protocol/event.js';
import {
  snapshotStore,
  startCollectorFixture,
  type CollectorFixture,
} from '../helpers/collector-fixture.js';
import {
  chainEvents,
  chainOf,
  chainView,
  enrollSender,
  postBatch,
  sealFor,
  verifyStoredChains,
  type Sender,
} from './ingest-senders.js';

const POLICY = `id: records
severity: high
paths: ["/srv/records/**"]
allow:
  - name: readers
    users: [bob]
    actions: [read]
`;

describe('collector ingest chain rules', () => {
  let fx: CollectorFixture;
  let enrolled = 0;

  beforeAll(async () => {
    fx = await startCollectorFixture(POLICY);
  }, 60_000);

  afterAll(async () => {
    await fx?.close();
  });

  /** A fresh agent per scenario, so each starts its chain at seq 1. */
  async function newSender(): Promise<Sender> {
    enrolled += 1;
    return enrollSender(
      fx.collector.url,
      fx.identity.dir,
      fx.identity.caFingerprint,
      join(fx.root, `agent-${enrolled}`),
    );
  }

  function send(sender: Sender, events: AccessEvent[]) {
    return postBatch(
      fx.collector.url,
      sender,
      JSON.stringify(sealFor(sender, events)),
    );
  }

  const storeView = (agent: string) => chainView(fx.identity.dir, agent);

  describe('when batches arrive in order', () => {
    it('appends each and moves the head to the last one', async () => {
      const a = await newSender();
      const chain = chainOf(a.id, 6);
      expect((await send(a, chain.slice(0, 3))).status).toBe(200);
      expect((await send(a, chain.slice(3, 6))).status).toBe(200);
      const view = storeView(a.id);
      expect(view.agent.last_seq).toBe(6);
      expect(view.agent.head).toBe(hashEvent(chain[5]!));
      expect(view.violations).toEqual([]);
    });
  });

  describe('when a batch arrives after a missing range', () => {
    let a: Sender;
    let chain: AccessEvent[];

    beforeAll(async () => {
      a = await newSender();
      chain = chainOf(a.id, 15);
      await send(a, chain.slice(0, 3));
    });

    it('stores it, answers a signed receipt and raises integrity.gap naming the range', async () => {
      const res = await send(a, chain.slice(9, 12));
      expect(res.status).toBe(200);
      const receipt = verifyReceipt(res.body as never, fx.agent.signingCertPem);
      expect(receipt).toMatchObject({ agent: a.id, seq: 12 });
      const view = storeView(a.id);
      expect(view.seqs).toEqual([1, 2, 3, 10, 11, 12]);
      expect(view.agent.last_seq).toBe(3);
      expect(view.violations).toMatchObject([
        {
          kind: 'integrity.gap',
          policy: 'vigil.integrity',
          rule: 'integrity.gap',
          status: 'open',
          seq: 4,
          event: null,
          reason: `events 4-9 of ${a.id} are missing`,
        },
      ]);
    });

    it('answers the same later batch again with its original receipt', async () => {
      const before = snapshotStore(fx.identity.dir);
      const stored = (before.batches as { agent: string; receipt: string }[])
        .filter((b) => b.agent === a.id)
        .at(-1)!;
      const res = await send(a, chain.slice(9, 12));
      expect(res.body).toEqual(JSON.parse(stored.receipt));
      expect(snapshotStore(fx.identity.dir)).toEqual(before);
    });

    it('raises nothing new for a batch that continues the stored one or fills the middle', async () => {
      expect((await send(a, chain.slice(12, 15))).status).toBe(200);
      expect((await send(a, chain.slice(6, 9))).status).toBe(200);
      const view = storeView(a.id);
      expect(view.violations).toHaveLength(1);
      expect(view.violations[0]!.status).toBe('open');
      expect(view.agent.last_seq).toBe(3);
    });

    it('closes the gap when the rest of the range arrives, and the head moves past everything stored', async () => {
      const res = await send(a, chain.slice(3, 6));
      expect(res.status).toBe(200);
      const view = storeView(a.id);
      expect(view.violations).toMatchObject([
        { kind: 'integrity.gap', status: 'resolved' },
      ]);
      expect(view.gaps).toMatchObject([
        {
          first_seq: 4,
          last_seq: 9,
          resolved_by: 'collector',
          note: expect.stringContaining(`events 4-9 of ${a.id} arrived`),
        },
      ]);
      expect(view.history).toMatchObject([
        {
          actor: 'collector',
          action: 'resolve',
          from_status: 'open',
          to_status: 'resolved',
          note: view.gaps[0]!.note,
        },
      ]);
      expect(view.agent.last_seq).toBe(15);
      expect(view.agent.head).toBe(hashEvent(chain[14]!));
      expect(verifyStoredChains(fx.identity.dir).get(a.id)).toBe(15);
    });

    it('links the next in-order batch to the new head', async () => {
      const more = chainEvents(a.id, 16, 2, hashEvent(chain[14]!));
      expect((await send(a, more)).status).toBe(200);
      expect(storeView(a.id).agent.last_seq).toBe(17);
    });
  });

  describe('when a single event is missing', () => {
    it('names that one event', async () => {
      const a = await newSender();
      const chain = chainOf(a.id, 3);
      await send(a, chain.slice(0, 1));
      await send(a, chain.slice(2, 3));
      expect(storeView(a.id).violations[0]!.reason).toBe(
        `event 2 of ${a.id} is missing`,
      );
    });
  });

  describe('when a batch holds a different event at a known seq', () => {
    let a: Sender;
    let chain: AccessEvent[];
    let forged: AccessEvent[];

    beforeAll(async () => {
      a = await newSender();
      chain = chainOf(a.id, 4);
      await send(a, chain.slice(0, 3));
      forged = chainEvents(a.id, 2, 3, hashEvent(chain[0]!), '/srv/other.csv');
    });

    it('refuses it with 409 VIGIL_CHAIN_CONFLICT and keeps the stored events', async () => {
      const before = storeView(a.id);
      const res = await send(a, forged);
      expect(res.status).toBe(409);
      expect(res.body.error?.code).toBe('VIGIL_CHAIN_CONFLICT');
      expect(res.body.error?.message).toContain('kept aside');
      const after = storeView(a.id);
      expect(after.seqs).toEqual(before.seqs);
      expect(after.agent).toEqual(before.agent);
    });

    it('keeps the batch aside and raises integrity.tampered at that seq', () => {
      const view = storeView(a.id);
      expect(view.aside).toMatchObject([
        { first_seq: 2, last_seq: 4, conflict_seq: 2 },
      ]);
      const kept = JSON.parse(view.aside[0]!.canonical) as {
        events: AccessEvent[];
      };
      expect(kept.events[0]!.path).toBe('/srv/other.csv');
      expect(view.violations).toMatchObject([
        {
          kind: 'integrity.tampered',
          rule: 'integrity.tampered',
          policy: 'vigil.integrity',
          severity: 'critical',
          status: 'open',
          seq: 2,
          event: null,
        },
      ]);
      expect(view.violations[0]!.reason).toContain(
        `event 2 of ${a.id} differs from the one the collector holds`,
      );
    });

    it('keeps and raises nothing twice when the same batch comes again', async () => {
      const before = snapshotStore(fx.identity.dir);
      const res = await send(a, forged);
      expect(res.status).toBe(409);
      expect(snapshotStore(fx.identity.dir)).toEqual(before);
    });

    it('still accepts the true next batch', async () => {
      expect((await send(a, chain.slice(3, 4))).status).toBe(200);
      expect(storeView(a.id).agent.last_seq).toBe(4);
    });
  });

  describe('when a batch does not link to the event before it', () => {
    it('treats the fork as tampering', async () => {
      const a = await newSender();
      const chain = chainOf(a.id, 3);
      await send(a, chain.slice(0, 3));
      const fork = chainEvents(a.id, 4, 2, hashEvent(chain[0]!));
      const res = await send(a, fork);
      expect(res.status).toBe(409);
      expect(storeView(a.id).violations[0]!.reason).toContain(
        `event 4 of ${a.id} does not link to event 3 the collector holds`,
      );
    });

    it('treats a first event that is not the genesis as tampering', async () => {
      const a = await newSender();
      const res = await send(
        a,
        chainEvents(a.id, 1, 2, hashEvent(chainOf(a.id, 1)[0]!)),
      );
      expect(res.status).toBe(409);
      expect(storeView(a.id).violations[0]!.kind).toBe('integrity.tampered');
    });
  });

  describe('when a batch does not link to the stored batch after it', () => {
    it('keeps it aside and leaves the gap open', async () => {
      const a = await newSender();
      const chain = chainOf(a.id, 6);
      await send(a, chain.slice(0, 2));
      await send(a, chain.slice(4, 6));
      const other = chainEvents(a.id, 3, 2, hashEvent(chain[1]!), '/srv/x');
      const res = await send(a, other);
      expect(res.status).toBe(409);
      const view = storeView(a.id);
      expect(view.seqs).toEqual([1, 2, 5, 6]);
      expect(view.violations.map((v) => [v.kind, v.status])).toEqual([
        ['integrity.gap', 'open'],
        ['integrity.tampered', 'open'],
      ]);
      expect(view.violations[1]!.reason).toContain(
        `event 5 the collector holds does not link to event 4 of ${a.id}`,
      );
    });
  });

  describe('when a batch repeats stored events cut at other seqs', () => {
    it('refuses it with 409 and changes nothing', async () => {
      const a = await newSender();
      const chain = chainOf(a.id, 4);
      await send(a, chain.slice(0, 2));
      await send(a, chain.slice(2, 4));
      const before = snapshotStore(fx.identity.dir);
      const res = await send(a, chain.slice(1, 3));
      expect(res.status).toBe(409);
      expect(res.body.error?.code).toBe('VIGIL_CHAIN_CONFLICT');
      expect(res.body.error?.message).toContain('cut at other seqs');
      expect(snapshotStore(fx.identity.dir)).toEqual(before);
    });
  });
});
