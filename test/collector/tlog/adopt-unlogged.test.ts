import Database from 'better-sqlite3';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openStore } from '../../../collector/data-dir.js';
import { exportBundle } from '../../../collector/export/export-bundle.js';
import { Ingest } from '../../../collector/ingest/ingest.js';
import { PolicySet } from '../../../collector/policy/policy-set.js';
import { verifyBundle } from '../../../protocol/bundle.js';
import {
  startCollectorFixture,
  type CollectorFixture,
} from '../../helpers/collector-fixture.js';
import { chainPoster, senderOf } from '../ingest-senders.js';
import { POLICY } from '../live-collector.js';

describe('a store written before the transparency log', () => {
  let fx: CollectorFixture;

  beforeAll(async () => {
    fx = await startCollectorFixture(POLICY);
    const post = chainPoster(() => fx.collector.url, senderOf(fx.agent));
    await post(2);
    await post(3);
    await fx.collector.close();
    // What migration 5 leaves behind on such a store: batches, no leaves.
    const db = new Database(join(fx.identity.dir, 'store.db'));
    db.exec(`UPDATE batches SET leaf = NULL;
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
        new Ingest({
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
