import Database from 'better-sqlite3';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openStore } from '../../../collector/data-dir.js';
import { exportBundle } from '../../../collector/export/export-bundle.js';
import { Ingest } from '../../../collector/ingest/ingest.js';
import { PolicySet } from '../../../collector/policy/policy-set.js';
import { buildBatch, type Batch } from '../../../protocol/batch.js';
import { verifyBundle } from '../../../protocol/bundle.js';
import { hashEvent } from '../../../protocol/chain.js';
import { logLeafBytes } from '../../../protocol/log-leaf.js';
import { leafHash } from '../../../protocol/merkle.js';
import { verifyReceiptLog } from '../../../protocol/receipt-log.js';
import { sealBatch } from '../../../protocol/seal.js';
import { parseVerifierKey } from '../../../protocol/signed-note.js';
import {
  startCollectorFixture,
  type CollectorFixture,
} from '../../helpers/collector-fixture.js';
import {
  chainEvents,
  postBatch,
  senderOf,
  type Sender,
} from '../ingest-senders.js';
import { POLICY } from '../live-collector.js';

describe('a store written before the transparency log', () => {
  let fx: CollectorFixture;
  let sender: Sender;
  const batches: Batch[] = [];
  const seal = (batch: Batch) => sealBatch(batch, sender.state.sealingCertPem);

  beforeAll(async () => {
    fx = await startCollectorFixture(POLICY);
    sender = senderOf(fx.agent);
    const one = chainEvents(sender.id, 1, 2);
    const two = chainEvents(sender.id, 3, 3, hashEvent(one[1]!));
    for (const events of [one, two]) {
      const batch = buildBatch(events, sender.id, sender.state.privateKeyPem);
      batches.push(batch);
      const res = await postBatch(
        fx.collector.url,
        sender,
        JSON.stringify(seal(batch)),
      );
      expect(res.status).toBe(200);
    }
    await fx.collector.close();
    // What migration 5 leaves behind on such a store: batches, no leaves.
    const db = new Database(join(fx.identity.dir, 'store.db'));
    db.exec(`UPDATE batches SET leaf = NULL,
        receipt = json_remove(receipt, '$.log');
      DELETE FROM log_nodes; DELETE FROM log_checkpoints;`);
    db.close();
  }, 60_000);

  afterAll(async () => {
    await fx?.close();
  });

  describe('when the collector starts ingest again', () => {
    it('gives its batches leaves in arrival order, and exports verify', () => {
      const store = openStore(fx.identity.dir);
      try {
        const ingest = new Ingest({
          store,
          identity: fx.identity,
          policies: () => PolicySet.load(join(fx.root, 'policies')),
        });
        const leaves = [...store.log.leaves()].map((l) => [l.last_seq, l.leaf]);
        expect(leaves).toEqual([
          [2, 0],
          [5, 1],
        ]);
        expect(store.log.latestCheckpoint()?.size).toBe(2);

        // The first batch sent again: its old receipt gains a log part the
        // agent can check, so it can let go of the batch.
        const again = ingest.accept(
          store.getAgent(sender.id)!,
          seal(batches[0]!),
        );
        expect(again.duplicate).toBe(true);
        const leaf = leafHash(
          logLeafBytes({
            checkpoint: batches[0]!.checkpoint,
            first_seq: 1,
            signature: batches[0]!.signature,
          }),
        );
        const key = parseVerifierKey(fx.identity.log.verifierKey);
        expect(verifyReceiptLog(again.receipt.log, leaf, key)).toMatchObject({
          index: 0,
          size: 2,
        });

        const out = join(
          mkdtempSync(join(tmpdir(), 'vigil-adopt-')),
          'b.jsonl',
        );
        exportBundle(
          fx.identity,
          store,
          { from: '2026-12-04T00:00:00Z', to: '2026-12-05T00:00:00Z' },
          out,
        );
        const report = verifyBundle(
          readFileSync(out, 'utf8'),
          fx.identity.ca.certPem,
        );
        expect(report.log).toMatchObject({ size: 2, included: 2 });
      } finally {
        store.close();
      }
    });
  });
});
