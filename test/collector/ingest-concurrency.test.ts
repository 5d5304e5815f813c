import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CollectorClient } from '../../agent/ship/collector-client.js';
import { Shipper } from '../../agent/ship/shipper.js';
import { Spool } from '../../agent/spool/spool.js';
import { GENESIS_HASH, hashEvent } from '../../protocol/chain.js';
import { waitFor } from '../helpers/vigil-cli.js';
import {
  startCollectorProcess,
  type CollectorProcess,
} from './collector-process.js';
import {
  chainEvents,
  postBatch,
  sealFor,
  verifyStoredChains,
  type Reply,
  type Sender,
} from './ingest-senders.js';

const AGENTS = 8;
const BATCHES_PER_AGENT = 25;
const MAX_EVENTS_PER_BATCH = 20;
/** How long the report-like reader keeps its read transaction open. */
const READ_HOLD_MS = 3_000;
/** A writer in another process that holds the lock less than busy_timeout. */
const SHORT_WRITE_HOLD_MS = 1_500;
/** Longer than the store's 5 s busy_timeout, so ingest gives up. */
const LONG_WRITE_HOLD_MS = 6_500;

const policy = (user: string) => `id: records
severity: high
paths: ["/srv/records/**"]
allow:
  - name: readers
    users: [${user}]
    actions: [read]
`;

describe('collector ingest under concurrency', () => {
  let proc: CollectorProcess;

  beforeAll(async () => {
    proc = await startCollectorProcess(policy('alice'));
  }, 60_000);

  afterAll(async () => {
    await proc?.close();
  });

  function openDb(): Database.Database {
    return new Database(join(proc.dataDir, 'store.db'));
  }

  describe('when eight agents send while a report reads, a CLI writes and policies reload', () => {
    const replies: Reply[] = [];
    const sent = new Map<string, { batches: number; events: number }>();
    let reloads = 0;

    beforeAll(async () => {
      const senders = await Promise.all(
        Array.from({ length: AGENTS }, (_, i) => proc.enroll(`agent-${i}`)),
      );
      const streams = senders.map((s) => stream(s));
      await Promise.all([...streams, longRead(), shortWrite(), reload()]);
      await Promise.all(senders.map((s) => s.mtls.close()));
    }, 120_000);

    async function stream(sender: Sender): Promise<void> {
      let prev = GENESIS_HASH;
      let seq = 1;
      let events = 0;
      for (let batch = 0; batch < BATCHES_PER_AGENT; batch++) {
        const count = 1 + Math.floor(Math.random() * MAX_EVENTS_PER_BATCH);
        const list = chainEvents(sender.id, seq, count, prev);
        const body = JSON.stringify(sealFor(sender, list));
        for (;;) {
          const res = await postBatch(proc.url, sender, body);
          replies.push(res);
          if (res.status !== 503) break;
          await sleep(Number(res.headers['retry-after']) * 1000);
        }
        prev = hashEvent(list.at(-1)!);
        seq += count;
        events += count;
      }
      sent.set(sender.id, { batches: BATCHES_PER_AGENT, events });
    }

    // A report-like query holding one read snapshot open for seconds.
    async function longRead(): Promise<void> {
      await sleep(200);
      const db = openDb();
      db.exec('BEGIN');
      db.prepare(
        `SELECT e.agent, count(*) FROM events e
         LEFT JOIN violations v ON v.agent = e.agent AND v.seq = e.seq
         GROUP BY e.agent`,
      ).all();
      await sleep(READ_HOLD_MS);
      db.exec('COMMIT');
      db.close();
    }

    // Like `vigil collector token`: another process writing, briefly.
    async function shortWrite(): Promise<void> {
      await sleep(600);
      const db = openDb();
      db.exec('BEGIN IMMEDIATE');
      db.prepare(
        `INSERT INTO enroll_tokens (token_hash, vendor, created_at, expires_at)
         VALUES ('concurrency-test', 'acme', '2026-12-04', '2026-12-05')`,
      ).run();
      await sleep(SHORT_WRITE_HOLD_MS);
      db.exec('COMMIT');
      db.close();
    }

    async function reload(): Promise<void> {
      for (const user of ['bob', 'carol', 'alice', 'bob']) {
        await sleep(300);
        writeFileSync(join(proc.policies, 'policy.yaml'), policy(user));
        proc.child!.kill('SIGHUP');
        reloads += 1;
      }
    }

    it('answers every batch with a receipt, or a retryable 503 with Retry-After', () => {
      const unexpected = replies.filter(
        (r) =>
          r.status !== 200 &&
          !(r.status === 503 && r.headers['retry-after'] !== undefined),
      );
      expect(unexpected).toEqual([]);
      expect(replies.filter((r) => r.status === 200)).toHaveLength(
        AGENTS * BATCHES_PER_AGENT,
      );
    });

    it('never shows an agent "database is locked"', () => {
      const text = JSON.stringify(replies.map((r) => r.body));
      expect(text).not.toMatch(/locked|SQLITE/i);
    });

    it('loses no batch and stores no event twice', () => {
      const db = openDb();
      try {
        for (const [agent, { batches, events }] of sent) {
          const row = db
            .prepare(
              `SELECT (SELECT count(*) FROM batches WHERE agent = @a) AS batches,
                      (SELECT count(*) FROM events WHERE agent = @a) AS events`,
            )
            .get({ a: agent });
          expect(row).toEqual({ batches, events });
        }
      } finally {
        db.close();
      }
      const heads = verifyStoredChains(proc.dataDir);
      expect(heads.size).toBe(AGENTS);
    });

    it('reloaded the policies each time it was asked', async () => {
      await waitFor('reloads', () =>
        proc.log.filter((l) => l.includes('policies reloaded')).length >=
        reloads
          ? true
          : undefined,
      );
    });
  });

  describe('when another process holds the write lock past the busy timeout', () => {
    let sender: Sender;
    let release: Promise<void>;

    beforeAll(async () => {
      sender = await proc.enroll('patient');
      const db = openDb();
      db.exec('BEGIN IMMEDIATE');
      release = sleep(LONG_WRITE_HOLD_MS).then(() => {
        db.exec('ROLLBACK');
        db.close();
      });
    });

    afterAll(async () => {
      await release;
      await sender?.mtls.close();
    });

    it('answers 503 VIGIL_STORE_BUSY with Retry-After, and the shipper delivers once it is free', async () => {
      const events = chainEvents(sender.id, 1, 3);
      const envelope = sealFor(sender, events);
      const res = await postBatch(proc.url, sender, JSON.stringify(envelope));
      expect(res.status).toBe(503);
      expect(res.headers['retry-after']).toBe('1');
      expect(res.body.error).toMatchObject({ code: 'VIGIL_STORE_BUSY' });
      expect(res.body.error!.message).not.toMatch(/locked|SQLITE/i);

      const spool = new Spool(join(proc.root, 'patient', 'spool.db'));
      spool.append(envelope, hashEvent(events.at(-1)!));
      const client = new CollectorClient(proc.url, sender.state);
      const shipper = new Shipper({
        client,
        spool,
        agentId: sender.id,
        signingCertPem: sender.state.signingCertPem,
        logKey: null,
        logger: pino({ level: 'silent' }),
      });
      shipper.start();
      await waitFor('the spool to empty', () =>
        spool.oldest() ? undefined : true,
      );
      await shipper.stop();
      await client.close();
      spool.close();
      expect(verifyStoredChains(proc.dataDir).get(sender.id)).toBe(3);
    }, 40_000);
  });
});

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
