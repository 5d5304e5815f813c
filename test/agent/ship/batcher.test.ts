import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { Batcher } from '../../../agent/ship/batcher.js';
import { Spool } from '../../../agent/spool/spool.js';
import { verifyBatch } from '../../../protocol/batch.js';
import { GENESIS_HASH, hashEvent } from '../../../protocol/chain.js';
import type { CapturedEvent } from '../../../protocol/event.js';
import { generateRsaKeyPair } from '../../../protocol/keys.js';
import { openEnvelope } from '../../../protocol/seal.js';
import { keyId } from '../../../protocol/keys.js';

const AGENT = { id: 'acme-0001', vendor: 'acme', host: 'build-7' };

function access(path: string): CapturedEvent {
  return {
    time: '2026-12-04T10:00:00.414Z',
    source: 'audit',
    action: 'read',
    outcome: 'success',
    path,
    user: null,
    process: null,
  };
}

describe('Batcher', () => {
  let agentKeys: ReturnType<typeof generateRsaKeyPair>;
  let sealing: ReturnType<typeof generateRsaKeyPair>;
  let dir: string;
  let spool: Spool;

  beforeAll(() => {
    agentKeys = generateRsaKeyPair(2048);
    sealing = generateRsaKeyPair(2048);
  });
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'vigil-spool-'));
    spool = new Spool(join(dir, 'spool.db'));
  });
  afterEach(() => {
    spool.close();
    rmSync(dir, { recursive: true, force: true });
  });

  function batcher(maxEvents = 3, maxSpoolBytes?: number) {
    return new Batcher({
      ...(maxSpoolBytes ? { maxSpoolBytes } : {}),
      spool,
      agent: AGENT,
      privateKeyPem: agentKeys.privateKeyPem,
      sealingCertPem: sealing.publicKeyPem,
      maxEvents,
      maxWaitMs: 60_000,
    });
  }

  function openAll() {
    const batches = [];
    for (let item = spool.oldest(); item; item = spool.oldest()) {
      batches.push(
        openEnvelope(
          item.envelope,
          sealing.privateKeyPem,
          keyId(sealing.publicKeyPem),
        ),
      );
      spool.acknowledge(item, {});
    }
    return batches;
  }

  describe('when events reach max_events', () => {
    it('seals signed batches whose chain runs from genesis without a gap', () => {
      const b = batcher(3);
      for (let i = 0; i < 7; i++) b.push(access(`/srv/f${i}`));
      b.flush();
      const batches = openAll();
      expect(batches.map((x) => x.events.map((e) => e.seq))).toEqual([
        [1, 2, 3],
        [4, 5, 6],
        [7],
      ]);
      expect(batches[0]!.events[0]!.prev).toBe(GENESIS_HASH);
      for (const [i, batch] of batches.entries()) {
        verifyBatch(batch, agentKeys.publicKeyPem);
        if (i > 0)
          expect(batch.events[0]!.prev).toBe(
            hashEvent(batches[i - 1]!.events.at(-1)!),
          );
      }
      expect(spool.counters()).toEqual({ captured: 7, sent: 7 });
    });
  });

  describe('while events wait for their batch', () => {
    it('says how many it holds, and none once sealed', () => {
      const b = batcher(3);
      b.push(access('/srv/a'));
      b.push(access('/srv/b'));
      expect(b.holding).toBe(2);
      b.push(access('/srv/c'));
      expect(b.holding).toBe(0);
    });
  });

  describe('when the spool gives its page cache back', () => {
    it('still holds every sealed batch', () => {
      const b = batcher(2);
      for (let i = 0; i < 5; i++) b.push(access(`/srv/f${i}`));
      b.flush();
      spool.releaseMemory();
      expect(openAll().map((x) => x.events.length)).toEqual([2, 2, 1]);
    });
  });

  describe('when a batch is sealed', () => {
    it('remembers which audit records it holds, for a crash before the checkpoint', () => {
      const b = batcher(2);
      const audited = (serial: number): CapturedEvent => ({
        ...access('/srv/a'),
        audit: { serial, syscall: 'openat', key: 'vigil' },
      });
      b.push(audited(11));
      b.push(audited(12));
      expect([...spool.lastSealed()]).toEqual([
        '2026-12-04T10:00:00.414Z:11',
        '2026-12-04T10:00:00.414Z:12',
      ]);
    });
  });

  describe('when the agent restarts', () => {
    it('continues the chain from the head kept in the spool', () => {
      batcher().push(access('/srv/a'));
      const first = batcher();
      first.push(access('/srv/b'));
      first.flush();
      spool.close();
      spool = new Spool(join(dir, 'spool.db'));
      const second = batcher();
      second.push(access('/srv/c'));
      second.flush();
      const batches = openAll();
      expect(batches.flatMap((x) => x.events.map((e) => e.path))).toEqual([
        '/srv/b',
        '/srv/c',
      ]);
      expect(batches[1]!.events[0]!.prev).toBe(
        hashEvent(batches[0]!.events[0]!),
      );
    });
  });

  describe('when the spool is full', () => {
    it('keeps capturing, counts what did not fit, and reports it in a signed event', () => {
      const b = batcher(5, 20_000);
      for (let i = 0; i < 200; i++) b.push(access(`/srv/f${i}`));
      const counters = spool.counters();
      expect(counters.dropped).toBeGreaterThan(0);
      expect(spool.depth().bytes).toBeLessThanOrEqual(20_000 + 10_000);
      const balance = () => {
        const c = spool.counters();
        return (c.sent ?? 0) + spool.depth().events + (c.dropped ?? 0);
      };
      expect(balance()).toBe(spool.counters().captured);

      const shipped = openAll();
      b.push(access('/srv/after'));
      b.flush();
      const [report] = openAll();
      expect(report!.events[0]).toMatchObject({
        action: 'events.dropped',
        source: 'agent',
        detail: { count: counters.dropped, reason: 'spool full' },
      });
      expect(report!.events[1]!.path).toBe('/srv/after');
      const accepted = shipped.flatMap((x) => x.events).length;
      expect(accepted + counters.dropped!).toBe(200);
      expect(balance()).toBe(spool.counters().captured);
      expect(spool.unreportedDrops()).toBe(0);
    });
  });

  it('leaves nothing readable in the spool file', () => {
    const b = batcher(1);
    b.push(access('/srv/customers/very-secret-name.csv'));
    spool.close();
    const bytes = readFileSync(join(dir, 'spool.db'));
    const wal = (() => {
      try {
        return readFileSync(join(dir, 'spool.db-wal'));
      } catch {
        return Buffer.alloc(0);
      }
    })();
    expect(Buffer.concat([bytes, wal]).includes('very-secret-name')).toBe(
      false,
    );
    spool = new Spool(join(dir, 'spool.db'));
  });
});
