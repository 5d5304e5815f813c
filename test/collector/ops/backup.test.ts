import { mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backupStore } from '../../../collector/ops/backup.js';
import { CollectorError } from '../../../collector/errors.js';
import { snapshotStore } from '../../helpers/collector-fixture.js';
import {
  access,
  startLiveCollector,
  type LiveCollector,
} from '../live-collector.js';

describe('backupStore', () => {
  let fx: LiveCollector;

  beforeAll(async () => {
    fx = await startLiveCollector();
    await fx.sender.send([access('/srv/records/a.csv'), access('/srv/x')]);
  }, 60_000);

  afterAll(async () => {
    await fx?.close();
  });

  describe('when the collector is running', () => {
    it('copies every table, mode 0600, and says what it holds', async () => {
      const dir = join(fx.root, 'copy');
      mkdirSync(dir);
      const out = join(dir, 'store.db');
      const counts = await backupStore(fx.identity.dir, out);
      expect(counts).toEqual({ events: 2, batches: 1, violations: 1 });
      expect(statSync(out).mode & 0o777).toBe(0o600);
      expect(snapshotStore(dir)).toEqual(snapshotStore(fx.identity.dir));
    });
  });

  describe('when the output file exists', () => {
    it('refuses with VIGIL_BACKUP_FAILED and leaves the file alone', async () => {
      const out = join(fx.root, 'taken.db');
      writeFileSync(out, 'keep me');
      await expect(backupStore(fx.identity.dir, out)).rejects.toThrow(
        expect.objectContaining({
          constructor: CollectorError,
          code: 'VIGIL_BACKUP_FAILED',
        }),
      );
      expect(readFileSync(out, 'utf8')).toBe('keep me');
    });
  });
});
