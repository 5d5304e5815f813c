import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadDataDir } from '../../collector/data-dir.js';
import { verifyReceipt, type SignedReceipt } from '../../protocol/batch.js';
import { GENESIS_HASH, hashEvent } from '../../protocol/chain.js';
import {
  startCollectorProcess,
  type CollectorProcess,
} from './collector-process.js';
import {
  chainEvents,
  postBatch,
  sealFor,
  verifyStoredChains,
  type Sender,
} from './ingest-senders.js';

/** Times the collector process is killed with SIGKILL and started again. */
const KILLS = 20;
/** A kill lands at a random moment this long after the collector is up. */
const KILL_AFTER_MS = { min: 50, max: 600 };
const RETRY_DELAY_MS = 40;
const MAX_EVENTS_PER_BATCH = 12;

const POLICY = `id: records
severity: high
paths: ["/srv/records/**"]
allow:
  - name: readers
    users: [alice]
    actions: [read]
`;

interface Acknowledged {
  seq: number;
  events: number;
  receipt: SignedReceipt;
}

describe('collector durability', () => {
  let proc: CollectorProcess;
  let dataDir: string;
  let url: string;

  beforeAll(async () => {
    proc = await startCollectorProcess(POLICY);
    ({ dataDir, url } = proc);
  }, 60_000);

  afterAll(async () => {
    await proc?.close();
  });

  describe('when the collector is killed with SIGKILL at random moments', () => {
    const acknowledged = new Map<string, Acknowledged[]>();
    let senders: Sender[] = [];
    let retries = 0;

    beforeAll(async () => {
      senders = await Promise.all(['a', 'b'].map((n) => proc.enroll(n)));
      const state = { stop: false };
      const streams = senders.map((s) => stream(s, state));
      await killRepeatedly();
      state.stop = true;
      const results = await Promise.all(streams);
      senders.forEach((s, i) => acknowledged.set(s.id, results[i]!));
      await proc.stop();
      await Promise.all(senders.map((s) => s.mtls.close()));
    }, 120_000);

    // Sends chained batches in order; each is re-sent until a receipt comes.
    async function stream(
      sender: Sender,
      state: { stop: boolean },
    ): Promise<Acknowledged[]> {
      const done: Acknowledged[] = [];
      let prev = GENESIS_HASH;
      let seq = 1;
      while (!state.stop) {
        const count = 1 + Math.floor(Math.random() * MAX_EVENTS_PER_BATCH);
        const events = chainEvents(sender.id, seq, count, prev);
        const body = JSON.stringify(sealFor(sender, events));
        const receipt = await sendUntilReceipt(sender, body);
        done.push({ seq: seq + count - 1, events: count, receipt });
        prev = hashEvent(events.at(-1)!);
        seq += count;
      }
      return done;
    }

    async function sendUntilReceipt(
      sender: Sender,
      body: string,
    ): Promise<SignedReceipt> {
      for (;;) {
        // A dead or restarting collector is retried; a refusal is a failure.
        const res = await postBatch(url, sender, body).catch(() => undefined);
        if (res?.status === 200) return res.body as SignedReceipt;
        if (res && res.status < 500) {
          throw new Error(`refused: ${JSON.stringify(res.body)}`);
        }
        retries += 1;
        await sleep(RETRY_DELAY_MS);
      }
    }

    async function killRepeatedly(): Promise<void> {
      for (let kill = 0; kill < KILLS; kill++) {
        const span = KILL_AFTER_MS.max - KILL_AFTER_MS.min;
        await sleep(KILL_AFTER_MS.min + Math.random() * span);
        await proc.kill9();
        await proc.start();
      }
      await sleep(KILL_AFTER_MS.max);
    }

    it('sent batches through all the kills', () => {
      expect(retries).toBeGreaterThan(KILLS);
      for (const done of acknowledged.values()) {
        expect(done.length).toBeGreaterThan(KILLS);
      }
    });

    it('holds every batch that got a receipt, with that very receipt', () => {
      const signingCert = loadDataDir(dataDir).signing.certPem;
      const stored = storedBatches(dataDir);
      for (const [agent, done] of acknowledged) {
        for (const { seq, receipt } of done) {
          expect(verifyReceipt(receipt, signingCert)).toMatchObject({
            agent,
            seq,
          });
          expect(stored.get(`${agent}/${seq}`)).toEqual(receipt);
        }
      }
    });

    it('holds each event once and nothing that was not acknowledged', () => {
      const db = new Database(join(dataDir, 'store.db'), { readonly: true });
      try {
        for (const [agent, done] of acknowledged) {
          const counts = db
            .prepare(
              `SELECT count(*) AS events, count(DISTINCT seq) AS seqs,
                 (SELECT count(*) FROM batches WHERE agent = ?) AS batches
               FROM events WHERE agent = ?`,
            )
            .get(agent, agent);
          const events = done.reduce((sum, d) => sum + d.events, 0);
          expect(counts).toEqual({
            events,
            seqs: events,
            batches: done.length,
          });
        }
        expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
      } finally {
        db.close();
      }
    });

    it("verifies every agent's chain from the store alone", () => {
      const heads = verifyStoredChains(dataDir);
      for (const [agent, done] of acknowledged) {
        expect(heads.get(agent)).toBe(done.at(-1)!.seq);
      }
    });

    it('raised no integrity violation', () => {
      const db = new Database(join(dataDir, 'store.db'), { readonly: true });
      try {
        const row = db
          .prepare(
            "SELECT count(*) AS n FROM violations WHERE kind LIKE 'integrity.%'",
          )
          .get() as { n: number };
        expect(row.n).toBe(0);
      } finally {
        db.close();
      }
    });
  });
});

function storedBatches(dataDir: string): Map<string, SignedReceipt> {
  const db = new Database(join(dataDir, 'store.db'), { readonly: true });
  try {
    const rows = db
      .prepare('SELECT agent, last_seq, receipt FROM batches')
      .all() as { agent: string; last_seq: number; receipt: string }[];
    return new Map(
      rows.map((r) => [
        `${r.agent}/${r.last_seq}`,
        JSON.parse(r.receipt) as SignedReceipt,
      ]),
    );
  } finally {
    db.close();
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
