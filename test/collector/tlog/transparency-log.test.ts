import Database from 'better-sqlite3';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildBatch, type Batch } from '../../../protocol/batch.js';
import { hashEvent } from '../../../protocol/chain.js';
import { openCheckpoint } from '../../../protocol/log-checkpoint.js';
import { logLeafBytes } from '../../../protocol/log-leaf.js';
import { leafHash, MemoryNodes, MerkleLog } from '../../../protocol/merkle.js';
import { verifyReceiptLog } from '../../../protocol/receipt-log.js';
import { sealBatch } from '../../../protocol/seal.js';
import { parseVerifierKey } from '../../../protocol/signed-note.js';
import {
  startCollectorFixture,
  type CollectorFixture,
} from '../../helpers/collector-fixture.js';
import { requireBuild, vigil } from '../../helpers/vigil-cli.js';
import {
  chainEvents,
  enrollSender,
  postBatch,
  senderOf,
  type Sender,
} from '../ingest-senders.js';
import { POLICY } from '../live-collector.js';

/** One agent's chain, sent a batch at a time, each batch kept. */
function chainSender(fx: CollectorFixture, sender: Sender) {
  let seq = 1;
  let prev: string | undefined;
  return async (size: number, day: string) => {
    const events = chainEvents(
      sender.id,
      seq,
      size,
      prev,
      '/srv/records/a.csv',
      day,
    );
    const batch = buildBatch(events, sender.id, sender.state.privateKeyPem);
    const body = JSON.stringify(sealBatch(batch, sender.state.sealingCertPem));
    const reply = await postBatch(fx.collector.url, sender, body);
    expect(reply.status).toBe(200);
    seq += size;
    prev = hashEvent(events.at(-1)!);
    return { batch, body, reply };
  };
}

function leafOf(batch: Batch): Buffer {
  return leafHash(
    logLeafBytes({
      checkpoint: batch.checkpoint,
      first_seq: batch.events[0]!.seq,
      signature: batch.signature,
    }),
  );
}

describe('the transparency log of accepted batches', () => {
  let fx: CollectorFixture;
  let acme: Sender;
  let globex: Sender;
  let logKey: ReturnType<typeof parseVerifierKey>;

  beforeAll(async () => {
    requireBuild();
    fx = await startCollectorFixture(POLICY);
    acme = senderOf(fx.agent);
    globex = await enrollSender(
      fx.collector.url,
      fx.identity.dir,
      fx.identity.caFingerprint,
      join(fx.root, 'globex'),
      'globex',
    );
    logKey = parseVerifierKey(fx.agent.logKey!);
  }, 60_000);

  afterAll(async () => {
    await fx?.close();
  });

  describe('when agents send batches', () => {
    it('gives each batch a receipt proving its leaf in a signed checkpoint', async () => {
      const sendAcme = chainSender(fx, acme);
      const sendGlobex = chainSender(fx, globex);
      const sent = [
        await sendAcme(3, '2026-12-03'),
        await sendGlobex(2, '2026-12-03'),
        await sendAcme(3, '2026-12-03'),
      ];
      const proofs = sent.map(({ batch, reply }) =>
        verifyReceiptLog(reply.body.log, leafOf(batch), logKey),
      );
      expect(proofs.map((p) => [p.index, p.size])).toEqual([
        [0, 1],
        [1, 2],
        [2, 3],
      ]);
      // A receipt for one batch proves nothing about another's leaf.
      expect(() =>
        verifyReceiptLog(
          sent[0]!.reply.body.log,
          leafOf(sent[2]!.batch),
          logKey,
        ),
      ).toThrow(expect.objectContaining({ code: 'VIGIL_RECEIPT_INVALID' }));

      // A batch sent again gets its original receipt: no second leaf.
      const again = await postBatch(fx.collector.url, acme, sent[0]!.body);
      expect(again.body.log).toEqual(sent[0]!.reply.body.log);

      const note = vigil(['log', 'checkpoint', '--data', fx.identity.dir]);
      expect(note.status).toBe(0);
      const checkpoint = openCheckpoint(note.stdout, [logKey]);
      const tree = new MerkleLog(new MemoryNodes());
      sent.forEach(({ batch }) => tree.append(leafOf(batch)));
      expect(checkpoint.size).toBe(3);
      expect(checkpoint.rootHash.equals(tree.root())).toBe(true);
    });
  });

  describe('when an auditor exports twice, a day apart, keeping the checkpoint', () => {
    const out = (name: string) => join(fx.root, name);
    const exportDay = (day: string, file: string, since?: string) =>
      vigil([
        'export',
        '--data',
        fx.identity.dir,
        '--from',
        `${day}T00:00:00Z`,
        '--to',
        `${day}T23:59:59Z`,
        '--out',
        out(file),
        ...(since ? ['--since-checkpoint', out(since)] : []),
      ]);
    const verify = (file: string, kept?: string) =>
      vigil([
        'verify',
        out(file),
        '--ca',
        join(fx.identity.dir, 'ca.pem'),
        ...(kept ? ['--since-checkpoint', out(kept)] : []),
      ]);

    it('proves the log only grew, then catches a batch deleted from the store', async () => {
      // Day 1 was sent by the test above (3 batches); the auditor exports
      // it and keeps the checkpoint that came with the bundle.
      expect(exportDay('2026-12-03', 'day1.jsonl').status).toBe(0);
      expect(verify('day1.jsonl').status).toBe(0);
      const kept = vigil([
        'log',
        'checkpoint',
        '--data',
        fx.identity.dir,
        '--out',
        out('kept.txt'),
      ]);
      expect(kept.status).toBe(0);

      // Day 2: more batches, then the second audit.
      const sendGlobex = chainSender(fx, globex);
      await sendGlobex(2, '2026-12-03'); // globex seq 1..2 again: a repeat
      const sendMore = async () => {
        const events = chainEvents(
          acme.id,
          7,
          4,
          hashOfAcme(fx, 6),
          '/srv/records/a.csv',
          '2026-12-04',
        );
        const batch = buildBatch(events, acme.id, acme.state.privateKeyPem);
        const body = JSON.stringify(
          sealBatch(batch, acme.state.sealingCertPem),
        );
        expect((await postBatch(fx.collector.url, acme, body)).status).toBe(
          200,
        );
      };
      await sendMore();
      const second = exportDay('2026-12-04', 'day2.jsonl', 'kept.txt');
      expect(second.status).toBe(0);
      const ok = verify('day2.jsonl', 'kept.txt');
      expect(ok.status).toBe(0);
      expect(ok.stdout).toMatch(
        /extends the checkpoint of size 3 you kept: 1 batches appended since, none removed or changed/,
      );

      // The operator deletes acme's second day-1 batch (seq 4..6).
      const db = new Database(join(fx.identity.dir, 'store.db'));
      db.prepare('DELETE FROM batches WHERE agent = ? AND last_seq = 6').run(
        acme.id,
      );
      db.prepare(
        'DELETE FROM events WHERE agent = ? AND seq BETWEEN 4 AND 6',
      ).run(acme.id);
      db.close();

      const third = exportDay('2026-12-04', 'day2-again.jsonl', 'kept.txt');
      expect(third.status).toBe(0);
      expect(third.stderr).toMatch(/warning: transparency log: leaf 2\n/);
      const failed = verify('day2-again.jsonl', 'kept.txt');
      expect(failed.status).toBe(1);
      expect(failed.stderr).toMatch(
        /VIGIL_BUNDLE_LOG_INCONSISTENT: line 1 log.since: the log at size 3 does not extend the checkpoint of size 3; the exporter found leaves missing from the store: leaf 2, agent \S+ seq 4\.\.6 is not stored: /,
      );
      expect(readFileSync(out('kept.txt'), 'utf8')).toMatch(
        /^vigil\.invalid\/collector\/\w+\n3\n/,
      );
    });
  });
});

// The hash of acme's event 6 as the store holds it.
function hashOfAcme(fx: CollectorFixture, seq: number): string {
  const db = new Database(join(fx.identity.dir, 'store.db'), {
    readonly: true,
  });
  try {
    const row = db
      .prepare('SELECT hash FROM events WHERE agent = ? AND seq = ?')
      .get(fx.agent.identity.agentId, seq) as { hash: string };
    return row.hash;
  } finally {
    db.close();
  }
}
