import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openStore } from '../../collector/data-dir.js';
import {
  Ingest,
  type IngestResult,
  type IntegrityNotice,
} from '../../collector/ingest/ingest.js';
import { PolicySet } from '../../collector/policy/policy-set.js';
import type { CollectorStore } from '../../collector/store/store.js';
import { hashEvent } from '../../protocol/chain.js';
import { verifyReceipt } from '../../protocol/receipt.js';
import type { Envelope } from '../../protocol/seal.js';
import {
  startCollectorFixture,
  type CollectorFixture,
} from '../helpers/collector-fixture.js';
import {
  chainEvents,
  enrollSender,
  sealFor,
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

/**
 * `submit` commits every batch that is ready in one transaction, each in a
 * savepoint: the batches share a commit, and one that is refused or fails
 * takes nothing of the others with it.
 */
describe('Ingest group commit', () => {
  let fx: CollectorFixture;
  let a: Sender;
  let b: Sender;
  let store: CollectorStore;
  let policies: PolicySet;
  /** Transactions begun outside any other: one per commit. */
  let commits = 0;
  const heard: IntegrityNotice[] = [];

  function ingest(
    policiesOf: () => PolicySet = () => policies,
    onViolation?: () => void,
  ) {
    return new Ingest({
      store,
      identity: fx.identity,
      policies: policiesOf,
      onIntegrity: (notice) => heard.push(notice),
      ...(onViolation ? { onViolation } : {}),
    });
  }

  function submitAll(runner: Ingest, envelopes: [Sender, Envelope][]) {
    return Promise.allSettled(
      envelopes.map(([s, e]) => runner.submit(store.getAgent(s.id)!, e)),
    );
  }

  beforeAll(async () => {
    fx = await startCollectorFixture(POLICY);
    const enroll = (name: string) =>
      enrollSender(
        fx.collector.url,
        fx.identity.dir,
        fx.identity.caFingerprint,
        join(fx.root, name),
      );
    a = await enroll('agent-a');
    b = await enroll('agent-b');
    store = openStore(fx.identity.dir);
    policies = PolicySet.load(join(fx.root, 'policies'));
    const transaction = store.transaction.bind(store);
    store.transaction = <T>(fn: () => T): T => {
      if (!store.db.inTransaction) commits += 1;
      return transaction(fn);
    };
  }, 60_000);

  afterAll(async () => {
    store?.close();
    await fx?.close();
  });

  it('stores batches submitted together in one commit, each with its own receipt and leaf', async () => {
    const runner = ingest();
    const before = commits;
    const chain = chainEvents(a.id, 1, 9);
    const settled = await submitAll(runner, [
      [a, sealFor(a, chain.slice(0, 3))],
      [a, sealFor(a, chain.slice(3, 6))],
      [b, sealFor(b, chainEvents(b.id, 1, 2))],
      [a, sealFor(a, chain.slice(6, 9))],
    ]);
    expect(commits - before).toBe(1);
    const results = settled.map((s) => {
      expect(s.status).toBe('fulfilled');
      return (s as PromiseFulfilledResult<IngestResult>).value;
    });
    expect(results.map((r) => r.receipt.receipt.seq)).toEqual([3, 6, 2, 9]);
    for (const { receipt } of results) {
      verifyReceipt(receipt, fx.identity.signing.certPem);
    }
    const leaves = results.map((r) => r.receipt.log!.index);
    expect(leaves).toEqual([0, 1, 2, 3]);
    expect(store.getAgent(a.id)!.last_seq).toBe(9);
    expect(store.getAgent(b.id)!.last_seq).toBe(2);
  });

  it('refuses a batch that contradicts the chain and stores the rest of its group', async () => {
    const runner = ingest();
    const before = commits;
    const forged = chainEvents(a.id, 1, 3, undefined, '/srv/records/b.csv');
    const next = chainEvents(b.id, 1, 4).slice(2);
    const settled = await submitAll(runner, [
      [a, sealFor(a, forged)],
      [b, sealFor(b, next)],
    ]);
    expect(commits - before).toBe(1);
    expect(settled[0]).toMatchObject({
      status: 'rejected',
      reason: { code: 'VIGIL_CHAIN_CONFLICT' },
    });
    expect(settled[1]).toMatchObject({ status: 'fulfilled' });
    expect(store.getAgent(b.id)!.last_seq).toBe(4);
    // What the refusal keeps is committed with the group.
    expect(heard.map((n) => n.kind)).toContain('integrity.tampered');
    const aside = store.db
      .prepare('SELECT count(*) AS n FROM batches_aside WHERE agent = ?')
      .get(a.id) as { n: number };
    expect(aside.n).toBe(1);
  });

  it('rolls back only the batch whose storing fails, which can then be sent again', async () => {
    const chain = chainEvents(a.id, 1, 15);
    let calls = 0;
    const failing = ingest(() => {
      calls += 1;
      if (calls === 2) throw new Error('policy set unreadable');
      return policies;
    });
    const settled = await submitAll(failing, [
      [a, sealFor(a, chain.slice(9, 12))],
      [b, sealFor(b, chainEvents(b.id, 1, 6).slice(4))],
      [a, sealFor(a, chain.slice(12, 15))],
    ]);
    expect(settled.map((s) => s.status)).toEqual([
      'fulfilled',
      'rejected',
      'fulfilled',
    ]);
    expect((settled[1] as PromiseRejectedResult).reason).toMatchObject({
      message: 'policy set unreadable',
    });
    expect(store.eventsIn(b.id, 5, 6)).toEqual([]);
    expect(store.getAgent(a.id)!.last_seq).toBe(15);
    const again = await ingest().submit(
      store.getAgent(b.id)!,
      sealFor(b, chainEvents(b.id, 1, 6).slice(4)),
    );
    expect(again.duplicate).toBe(false);
    expect(store.getAgent(b.id)!.last_seq).toBe(6);
    expect(store.eventsIn(b.id, 5, 6)).toHaveLength(2);
  });

  it('refuses the group, stored, when a listener throws after the commit', async () => {
    // Seqs 16-17 are writes, which the policy does not allow: violations.
    const chain = chainEvents(a.id, 1, 17);
    for (const event of chain.slice(15)) {
      event.action = 'write';
      event.prev = hashEvent(chain[event.seq - 2]!);
    }
    const writes = chain.slice(15);
    const loud = ingest(undefined, () => {
      throw new Error('listener broke');
    });
    const settled = await submitAll(loud, [[a, sealFor(a, writes)]]);
    expect(settled[0]).toMatchObject({
      status: 'rejected',
      reason: { message: 'listener broke' },
    });
    // Stored all the same: sent again, it is answered as a duplicate.
    const again = await ingest().submit(
      store.getAgent(a.id)!,
      sealFor(a, writes),
    );
    expect(again.duplicate).toBe(true);
    expect(store.getAgent(a.id)!.last_seq).toBe(17);
  });
});
