import {
  mkdirSync,
  readdirSync,
  readFileSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Recorder, removeDir, tempDir, waitFor } from './helpers.js';

const LIMIT_FILE = '/proc/sys/fs/inotify/max_user_watches';
/** Watches left free for the test: fewer than the tree needs. */
const SPARE_WATCHES = 4;
const DIRS = 6;
const FILES_PER_DIR = 5;

/** Root can lower the limit only where /proc/sys is writable. */
function canLowerLimit(): boolean {
  if (process.getuid?.() !== 0) return false;
  try {
    writeFileSync(LIMIT_FILE, readFileSync(LIMIT_FILE, 'utf8'));
    return true;
  } catch {
    return false;
  }
}

/** inotify watches root's processes hold now, from /proc/PID/fdinfo. */
function rootWatchesInUse(): number {
  let total = 0;
  for (const pid of readdirSync('/proc').filter((n) => /^\d+$/.test(n))) {
    try {
      if (statSync(`/proc/${pid}`).uid !== 0) continue;
      for (const fd of readdirSync(`/proc/${pid}/fdinfo`)) {
        const info = readFileSync(`/proc/${pid}/fdinfo/${fd}`, 'utf8');
        total += info.match(/^inotify wd:/gm)?.length ?? 0;
      }
    } catch {
      // The process ended while being read.
    }
  }
  return total;
}

const LIVE = canLowerLimit();
const SKIP_NOTE = LIVE
  ? ''
  : ' (skipped: needs root and a writable /proc/sys to lower the limit)';

describe.skipIf(!LIVE)(
  `FsSensor when inotify watches run out${SKIP_NOTE}`,
  () => {
    let root: string;
    let original: string;
    let recorder: Recorder | undefined;

    const restoreLimit = (): void => {
      if (original) writeFileSync(LIMIT_FILE, original);
    };

    beforeAll(() => {
      root = tempDir();
      for (let d = 0; d < DIRS; d++) {
        mkdirSync(join(root, `dir${d}`));
        for (let f = 0; f < FILES_PER_DIR; f++) {
          writeFileSync(join(root, `dir${d}`, `file${f}`), `${d}/${f}`);
        }
      }
      original = readFileSync(LIMIT_FILE, 'utf8');
    });

    afterAll(async () => {
      restoreLimit();
      await recorder?.sensor.stop();
      removeDir(root);
    });

    it('reports sensor.degraded with the paths left unwatched', async () => {
      writeFileSync(LIMIT_FILE, String(rootWatchesInUse() + SPARE_WATCHES));
      try {
        recorder = await Recorder.start({ paths: [root] });
      } finally {
        // Other root processes share the limit: give it back at once.
        restoreLimit();
      }
      const degraded = recorder.events.filter(
        (e) => e.action === 'sensor.degraded',
      );
      expect(degraded).toHaveLength(1);
      expect(degraded[0]).toEqual({
        time: expect.stringMatching(/^\d{4}-.*\.\d{3}Z$/),
        source: 'agent',
        action: 'sensor.degraded',
        outcome: 'failed',
        user: null,
        process: null,
        detail: {
          sensor: 'fs',
          reason: 'inotify-watch-limit',
          unwatched: recorder.sensor.stats.unwatched,
        },
      });
      const paths = 1 + DIRS * (1 + FILES_PER_DIR);
      expect(recorder.sensor.stats.unwatched).toBeGreaterThanOrEqual(
        paths - SPARE_WATCHES,
      );
      expect(recorder.sensor.stats.unwatched).toBeLessThanOrEqual(paths);
    });

    it('keeps reporting changes on the paths it still watches', async () => {
      if (!recorder) throw new Error('the sensor did not start');
      const before = recorder.events.length;
      for (let d = 0; d < DIRS; d++) {
        const dir = join(root, `dir${d}`);
        writeFileSync(join(dir, 'added'), 'new');
        for (let f = 0; f < FILES_PER_DIR; f++) {
          writeFileSync(join(dir, `file${f}`), 'changed');
        }
      }
      writeFileSync(join(root, 'added'), 'new');
      await waitFor(
        () => recorder!.events.slice(before).some((e) => e.source === 'fs'),
        'a file event after the limit was hit',
      );
    });
  },
);
