import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  DirRescan,
  type Missed,
  type WatchedTree,
} from '../../../agent/fs/dir-rescan.js';
import { removeDir, sleep, tempDir, waitFor } from './helpers.js';

const QUIET_MS = 50;

describe('DirRescan', () => {
  let root: string;
  let rescan: DirRescan | undefined;

  beforeEach(() => {
    root = tempDir();
  });

  afterEach(() => {
    rescan?.close();
    removeDir(root);
  });

  describe('when the watcher listed a new directory before it was filled', () => {
    it('hands over the files and directories it did not take in', async () => {
      const made = join(root, 'made');
      mkdirSync(join(made, 'sub', 'deep'), { recursive: true });
      writeFileSync(join(made, 'seen'), '');
      writeFileSync(join(made, 'late'), '');
      writeFileSync(join(made, 'sub', 'late'), '');
      // What chokidar held: `made` listed with two names, `sub` empty, and
      // `sub/deep` never seen.
      const tree: WatchedTree = {
        [root]: ['made'],
        [made]: ['seen', 'sub'],
        [join(made, 'sub')]: [],
      };
      const found: Missed[] = [];
      rescan = new DirRescan(
        () => tree,
        (missed) => found.push(missed),
        (error) => {
          throw error;
        },
        QUIET_MS,
      );
      rescan.schedule(made);
      rescan.schedule(join(made, 'sub'));
      await waitFor(() => found.length > 0, 'a rescan');
      expect(found).toHaveLength(1);
      expect(found[0]?.files.sort()).toEqual([
        join(made, 'late'),
        join(made, 'sub', 'late'),
      ]);
      expect(found[0]?.dirs).toEqual([join(made, 'sub', 'deep')]);
    });
  });

  describe('when the watcher holds everything', () => {
    it('hands over nothing', async () => {
      mkdirSync(join(root, 'a'));
      writeFileSync(join(root, 'a', 'f'), '');
      const calls: Missed[] = [];
      rescan = new DirRescan(
        () => ({ [root]: ['a'], [join(root, 'a')]: ['f'] }),
        (missed) => calls.push(missed),
        () => {},
        QUIET_MS,
      );
      rescan.schedule(join(root, 'a'));
      // Waits well past the rescan delay; nothing may arrive.
      await sleep(QUIET_MS * 10);
      expect(calls).toEqual([]);
    });
  });
});
