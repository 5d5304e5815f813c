import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  type LimitCounter,
  MemoryLimitCounter,
} from '../../../collector/policy/limit-counter.js';
import { StoreLimitCounter } from '../../../collector/policy/store-limit-counter.js';
import { CollectorStore } from '../../../collector/store/store.js';
import type { AccessEvent } from '../../../protocol/event.js';
import { PolicySet } from '../../../collector/policy/policy-set.js';
import { event, policy, proc, user } from './helpers.js';

const BULK = `
id: records
severity: medium
paths: [/srv/data/**]
allow:
  - name: anyone
deny:
  - name: no-deletes
    actions: [delete]
limits:
  - name: bulk-read
    actions: [read]
    max: 500
    window: 10m
    per: user
    severity: high
`;
const set = policy(BULK);
const T0 = Date.parse('2026-03-04T03:00:00Z');
const SECOND_MS = 1000;
const MINUTE_MS = 60 * SECOND_MS;

const dir = mkdtempSync(join(tmpdir(), 'vigil-limits-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let stores = 0;
const openStores: CollectorStore[] = [];
/** The store of each counter, so a run commits once, as ingest does. */
const storeOf = new WeakMap<LimitCounter, CollectorStore>();
function storeCounter(
  file = join(dir, `s${++stores}.db`),
  now?: () => number,
): StoreLimitCounter {
  const store = new CollectorStore(file);
  openStores.push(store);
  const counter = new StoreLimitCounter(store, now);
  storeOf.set(counter, store);
  return counter;
}
afterAll(() => openStores.forEach((store) => store.close()));

/** vigil-intern's bulk-read count, as the store keys it. */
const SLOT = {
  policy: 'records',
  limit: 'bulk-read',
  key: '["user","acme-sub","vigil-intern"]',
};

/** An event at `T0 + ms`, by vigil-intern unless `over` says otherwise. */
function at(ms: number, over: Partial<AccessEvent> = {}): AccessEvent {
  const time = new Date(T0 + ms).toISOString();
  return event({ time, user: user('vigil-intern'), ...over });
}

/** Evaluates each event in turn; returns the limit violations by index. */
function run(
  events: AccessEvent[],
  counter: LimitCounter,
): { index: number; reason: string; severity: string }[] {
  const all = () =>
    events.flatMap((e, index) =>
      set
        .evaluate(e, counter)
        .filter((d) => d.kind === 'limit')
        .map(({ reason, severity }) => ({ index, reason, severity })),
    );
  const store = storeOf.get(counter);
  return store === undefined ? all() : store.transaction(all);
}

/** `n` reads spread evenly over `spanMs`, starting at `startMs`. */
function reads(n: number, startMs = 0, spanMs = 9 * MINUTE_MS): AccessEvent[] {
  return Array.from({ length: n }, (_, i) =>
    at(startMs + Math.floor((i * spanMs) / n)),
  );
}

describe.each([
  ['in memory', () => new MemoryLimitCounter()],
  ['in the store', () => storeCounter()],
])('limits counted %s', (_where, makeCounter) => {
  describe('when 501 reads come within 10 minutes against max 500', () => {
    it('flags the 501st read once, naming the limit, count, window and person', () => {
      expect(run(reads(501), makeCounter())).toEqual([
        {
          index: 500,
          severity: 'high',
          reason: 'bulk-read: 501 reads by vigil-intern within 10m, limit 500',
        },
      ]);
    });
  });

  describe('when 500 reads come within 10 minutes', () => {
    it('flags nothing', () => {
      expect(run(reads(500), makeCounter())).toEqual([]);
    });
  });

  describe('when the burst goes on', () => {
    it('flags again only once the flag is a window behind', () => {
      const burst = reads(1500, 0, 9 * MINUTE_MS);
      const later = reads(600, 9 * MINUTE_MS, 9 * MINUTE_MS);
      const flagged = run([...burst, ...later], makeCounter());
      expect(flagged.map((f) => f.index)).toHaveLength(2);
      const [first, second] = flagged.map((f) => burst.concat(later)[f.index]);
      const gap = Date.parse(second!.time) - Date.parse(first!.time);
      expect(gap).toBeGreaterThanOrEqual(10 * MINUTE_MS);
    });
  });

  describe('when reads are spread so no window holds more than max', () => {
    it('flags nothing, however many there are', () => {
      // 2,000 reads over 50 minutes: about 400 in any 10 minutes.
      expect(run(reads(2000, 0, 50 * MINUTE_MS), makeCounter())).toEqual([]);
    });
  });

  describe('when a read is exactly one window after an earlier one', () => {
    it('no longer counts the earlier one', () => {
      const counter = makeCounter();
      const old = Array.from({ length: 250 }, () => at(0));
      const edge = Array.from({ length: 251 }, () => at(10 * MINUTE_MS));
      expect(run([...old, ...edge], counter)).toEqual([]);
    });
  });

  describe('when reads arrive out of order (a late batch)', () => {
    it('counts them by event time', () => {
      const early = reads(300, 0, 4 * MINUTE_MS);
      const late = reads(201, 5 * MINUTE_MS, 4 * MINUTE_MS);
      const flagged = run([...late, ...early], makeCounter());
      expect(flagged).toEqual([
        expect.objectContaining({
          index: 500,
          reason: 'bulk-read: 501 reads by vigil-intern within 10m, limit 500',
        }),
      ]);
    });
  });

  describe('when several people read', () => {
    it('counts each person on their own, and the same login at another vendor apart', () => {
      const counter = makeCounter();
      const other = { id: 'b-1', vendor: 'beta', host: 'b-1' };
      const mixed = reads(400).flatMap((e) => [
        e,
        { ...e, user: user('li.wei') },
        { ...e, agent: other },
      ]);
      expect(run(mixed, counter)).toEqual([]);
    });

    it('counts a session without a login under its real user', () => {
      const cron = { ...user('vigil-intern'), login: 'unset' };
      const half = reads(501).map((e, i) => (i % 2 ? { ...e, user: cron } : e));
      expect(run(half, makeCounter())).toHaveLength(1);
    });

    it('adds up one person across the machines of a vendor', () => {
      const ws8 = { id: 'ws-08', vendor: 'acme-sub', host: 'ws-08' };
      const spread = reads(501).map((e, i) =>
        i % 2 ? { ...e, agent: ws8 } : e,
      );
      expect(run(spread, makeCounter())).toHaveLength(1);
    });

    it('does not count events without a user', () => {
      const fs = reads(600).map((e) => ({
        ...e,
        source: 'fs' as const,
        user: null,
      }));
      expect(run(fs, makeCounter())).toEqual([]);
    });
  });

  describe('when other actions or outcomes happen', () => {
    it('counts only the limit actions, but every outcome of them', () => {
      const counter = makeCounter();
      const writes = reads(600).map((e) => ({
        ...e,
        action: 'write' as const,
      }));
      expect(run(writes, counter)).toEqual([]);
      const refused = reads(501).map((e) => ({
        ...e,
        outcome: 'denied' as const,
      }));
      expect(run(refused, counter)).toHaveLength(1);
    });
  });
});

describe('limits per process and per agent', () => {
  const perSet = policy(`
id: per
severity: low
paths: [/srv/data/**]
allow: [{ name: anyone }]
limits:
  - { name: by-tool, max: 2, window: 1m, per: process }
  - { name: by-machine, max: 3, window: 30s, per: agent }
`);
  const reasons = (events: AccessEvent[]): string[] => {
    const counter = new MemoryLimitCounter();
    return events.flatMap((e) =>
      perSet.evaluate(e, counter).map((d) => `${d.rule} ${d.reason}`),
    );
  };

  it('names the program and its agent, or the agent', () => {
    const cat = at(0, { process: proc('/usr/bin/cat') });
    expect(reasons([cat, cat, { ...cat, action: 'write' }, cat])).toEqual([
      'by-tool by-tool: 3 accesses by process /usr/bin/cat on agent ws-07 within 1m, limit 2',
      'by-machine by-machine: 4 accesses on agent ws-07 within 30s, limit 3',
    ]);
  });

  it('counts a program on each agent apart and skips events without one', () => {
    const cat = at(0, { process: proc('/usr/bin/cat') });
    const elsewhere = {
      ...cat,
      agent: { id: 'ws-08', vendor: 'acme-sub', host: 'h' },
    };
    const none = { ...cat, process: null };
    expect(reasons([cat, elsewhere, cat, elsewhere, none])).toEqual([]);
  });
});

describe('PolicySet.evaluate with limits', () => {
  describe('when no counter is given', () => {
    it('skips limits and judges rules as before', () => {
      const burst = reads(600);
      expect(burst.flatMap((e) => set.evaluate(e))).toEqual([]);
      expect(set.evaluate(at(0, { action: 'delete' }))).toHaveLength(1);
    });
  });

  describe('when a deny rule and a limit both fire', () => {
    it('lists the deny violation before the limit', () => {
      const limited = policy(
        BULK.replace('actions: [read]\n    max: 500', 'max: 1'),
      );
      const counter = new MemoryLimitCounter();
      limited.evaluate(at(0), counter);
      const drafts = limited.evaluate(at(1, { action: 'delete' }), counter);
      expect(drafts.map((d) => [d.kind, d.rule])).toEqual([
        ['deny', 'no-deletes'],
        ['limit', 'bulk-read'],
      ]);
      expect(drafts[1]).toMatchObject({
        policy: 'records',
        severity: 'high',
        policyHash: drafts[0]?.policyHash,
        reason: 'bulk-read: 2 accesses by vigil-intern within 10m, limit 1',
      });
    });
  });

  describe('when judged on one copy of the set and settled on another', () => {
    it('gives what evaluate gives, through a structured clone', () => {
      // Ingest judges on a worker thread's copy, compiled from the sources,
      // and counts the limits with the store, on the store's thread.
      const copy = PolicySet.fromSources(structuredClone(set.sources));
      const mixed = [...reads(502), at(20_000, { action: 'delete' })];
      const counted = new MemoryLimitCounter();
      const split = new MemoryLimitCounter();
      const drafts = mixed.flatMap((e) => {
        const found = structuredClone(copy.judge(e));
        const settled = set.settle(found, split);
        expect(settled).toEqual(set.evaluate(e, counted));
        return settled;
      });
      expect(drafts.map((d) => d.rule)).toEqual(['bulk-read', 'no-deletes']);
      expect(split).toEqual(counted);
      expect(copy.sources).toEqual(set.sources);
    });
  });

  it('reports the longest limit window of the set', () => {
    expect(set.longestLimitWindowMs).toBe(10 * MINUTE_MS);
    expect(
      policy('id: p\nseverity: low\npaths: [/a/**]\n').longestLimitWindowMs,
    ).toBe(0);
  });
});

describe('StoreLimitCounter', () => {
  describe('when the collector restarts in the middle of a burst', () => {
    it('keeps the count and flags the 501st read once', () => {
      const file = join(dir, 'restart.db');
      const burst = reads(1000);
      const before = run(burst.slice(0, 300), storeCounter(file));
      openStores.pop()?.close();
      const after = run(burst.slice(300, 1000), storeCounter(file));
      expect(before).toEqual([]);
      expect(after.map((f) => f.index)).toEqual([200]);
    });
  });

  describe('when the ingest transaction rolls back', () => {
    it('forgets the counts it made once told to', () => {
      const counter = storeCounter(join(dir, 'rollback.db'));
      const store = storeOf.get(counter)!;
      expect(() =>
        store.transaction(() => {
          run(reads(400), counter);
          throw new Error('refused batch');
        }),
      ).toThrow('refused batch');
      counter.forget();
      expect(run(reads(200, MINUTE_MS), counter)).toEqual([]);
      expect(run(reads(301, 2 * MINUTE_MS), counter)).toHaveLength(1);
    });
  });

  describe('when a slot keeps counting for long', () => {
    it('deletes its rows two windows old, a batch at a time', () => {
      const counter = storeCounter(join(dir, 'steady.db'));
      const store = storeOf.get(counter)!;
      // One read a second for two hours: 7,200 hits, 1,200 in two windows.
      const steady = Array.from({ length: 7200 }, (_, i) => at(i * SECOND_MS));
      run(steady, counter);
      const kept = store.limitHitsSince(SLOT, 0).length;
      expect(kept).toBeGreaterThanOrEqual(1200);
      expect(kept).toBeLessThan(1200 + 256);
    });

    it('sweeps slots idle for two weeks by the wall clock', () => {
      const weeksLater = () => T0 + 15 * 24 * 60 * MINUTE_MS;
      const counter = storeCounter(join(dir, 'idle.db'), weeksLater);
      const store = storeOf.get(counter)!;
      run(reads(501), counter);
      const others = Array.from({ length: 100_000 }, (_, i) =>
        at(i, { user: user(`u${i % 50}`) }),
      );
      run(others, counter);
      expect(store.limitHitsSince(SLOT, 0)).toEqual([]);
      expect(store.limitFlagsSince(SLOT, 0)).toEqual([]);
    });
  });

  describe('when old counts are pruned', () => {
    it('forgets hits and flags at or before the cutoff', () => {
      const counter = storeCounter(join(dir, 'prune.db'));
      const store = storeOf.get(counter)!;
      run(reads(501), counter);
      expect(store.limitFlagsSince(SLOT, 0)).toHaveLength(1);
      expect(store.pruneLimits(T0 + 9 * MINUTE_MS)).toBeGreaterThan(0);
      const left = store.limitHitsSince(SLOT, 0);
      expect(left.every((row) => row.time_ms > T0 + 9 * MINUTE_MS)).toBe(true);
      expect(store.limitFlagsSince(SLOT, 0)).toEqual([]);
    });
  });
});
