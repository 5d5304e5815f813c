import { statSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FsError } from '../../../agent/fs/errors.js';
import { FsSensor } from '../../../agent/fs/fs-sensor.js';
import type { CapturedEvent } from '../../../protocol/event.js';
import {
  Recorder,
  removeDir,
  sha256,
  sleep,
  tempDir,
  waitFor,
} from './helpers.js';

const RFC3339_MS_UTC = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/;

describe('FsSensor', () => {
  let root: string;
  let recorder: Recorder | undefined;

  beforeEach(() => {
    root = tempDir();
  });

  afterEach(async () => {
    await recorder?.sensor.stop();
    recorder = undefined;
    removeDir(root);
  });

  describe('when it starts on a tree that already holds files', () => {
    it('reports none of them, then a write with what the file now is', async () => {
      const file = join(root, 'ledger.csv');
      writeFileSync(file, 'old\n');
      recorder = await Recorder.start({ paths: [root] });
      writeFileSync(file, 'new content\n');
      await recorder.waitFor('write', file);
      const stats = statSync(file);
      expect(recorder.events).toHaveLength(1);
      expect(recorder.events[0]).toEqual({
        time: expect.stringMatching(RFC3339_MS_UTC),
        source: 'fs',
        action: 'write',
        outcome: 'success',
        path: file,
        user: null,
        process: null,
        file: {
          size: 12,
          mode: '0100644',
          owner: stats.uid,
          inode: stats.ino,
          sha256: sha256('new content\n'),
        },
      });
    });
  });

  describe('when a file is deleted', () => {
    it('reports a delete with what was last known of it', async () => {
      const file = join(root, 'payroll.xlsx');
      writeFileSync(file, 'salaries');
      const { ino } = statSync(file);
      recorder = await Recorder.start({ paths: [root] });
      unlinkSync(file);
      await recorder.waitFor('delete', file);
      expect(recorder.events).toHaveLength(1);
      expect(recorder.events[0]).toMatchObject({
        source: 'fs',
        outcome: 'success',
        user: null,
        process: null,
        file: { size: 8, inode: ino, mode: '0100644' },
      });
    });
  });

  describe('when a file lives for less than the stability wait', () => {
    it('is not reported', async () => {
      recorder = await Recorder.start({ paths: [root] });
      writeFileSync(join(root, 'scratch'), 'gone soon');
      unlinkSync(join(root, 'scratch'));
      writeFileSync(join(root, 'kept'), 'stays');
      await recorder.waitFor('create', join(root, 'kept'));
      await recorder.quiet();
      expect(recorder.events).toHaveLength(1);
    });
  });

  describe('when it stops while a change is still settling', () => {
    it('reports the change before stop resolves', async () => {
      const seen: CapturedEvent[] = [];
      const sensor = new FsSensor({ paths: [root], stableMs: 60_000 }, (e) =>
        seen.push(e),
      );
      await sensor.start();
      writeFileSync(join(root, 'last'), 'words');
      // Time for inotify to deliver; the minute-long wait has not passed.
      await sleep(500);
      await sensor.stop();
      expect(seen.map((e) => [e.action, e.path])).toEqual([
        ['create', join(root, 'last')],
      ]);
    });
  });

  describe('when the event sink throws', () => {
    it('counts the error and keeps reporting', async () => {
      let calls = 0;
      const seen: string[] = [];
      const sensor = new FsSensor({ paths: [root], stableMs: 50 }, (event) => {
        calls += 1;
        if (calls === 1) throw new Error('sink down');
        seen.push(event.path ?? '');
      });
      await sensor.start();
      try {
        writeFileSync(join(root, 'one'), '1');
        await waitFor(() => calls === 1, 'the first event');
        writeFileSync(join(root, 'two'), '2');
        await waitFor(() => seen.length === 1, 'the second event');
        expect(seen).toEqual([join(root, 'two')]);
        expect(sensor.stats).toMatchObject({ events: 1, errors: 1 });
      } finally {
        await sensor.stop();
      }
    });
  });

  describe('when it is set up wrongly', () => {
    it('refuses a relative root with VIGIL_FS_PATH_INVALID', () => {
      const make = (): FsSensor => new FsSensor({ paths: ['data'] }, () => {});
      expect(make).toThrow(FsError);
      expect(make).toThrow(
        expect.objectContaining({ code: 'VIGIL_FS_PATH_INVALID' }),
      );
    });

    it('refuses a second start with VIGIL_FS_SENSOR_STATE', async () => {
      const sensor = new FsSensor({ paths: [] }, () => {});
      await sensor.start();
      await expect(sensor.start()).rejects.toMatchObject({
        code: 'VIGIL_FS_SENSOR_STATE',
      });
      await sensor.stop();
    });
  });
});
