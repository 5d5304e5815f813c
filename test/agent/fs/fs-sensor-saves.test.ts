import { renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Recorder, removeDir, sha256, tempDir } from './helpers.js';

/** Saves `text` into `path` the way editors do: temp file, rename over. */
function saveAtomically(path: string, text: string): void {
  const temp = `${path}.tmp-${process.pid}`;
  writeFileSync(temp, text);
  renameSync(temp, path);
}

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

  describe('when a file is saved three times by temp file and rename', () => {
    it('reports three writes of the final path with three hashes', async () => {
      const file = join(root, 'contract.txt');
      writeFileSync(file, 'draft 0\n');
      recorder = await Recorder.start({ paths: [root] });
      for (const n of [1, 2, 3]) {
        saveAtomically(file, `draft ${n}\n`);
        await recorder.waitFor('write', file, n);
      }
      await recorder.quiet();
      const writes = recorder.at('write', file);
      expect(writes.map((e) => e.file?.sha256)).toEqual([
        sha256('draft 1\n'),
        sha256('draft 2\n'),
        sha256('draft 3\n'),
      ]);
      // The save is one access of one file: the temp name never shows.
      expect(recorder.events).toEqual(writes);
    });
  });

  describe('when a package manager renames f.new over f', () => {
    it('reports the rename onto f when f.new had settled first', async () => {
      const file = join(root, 'app.conf');
      const fresh = `${file}.new`;
      writeFileSync(file, 'v1\n');
      recorder = await Recorder.start({ paths: [root] });
      writeFileSync(fresh, 'v2\n');
      await recorder.waitFor('create', fresh);
      renameSync(fresh, file);
      await recorder.waitFor('rename', file);
      await recorder.quiet();
      const [rename] = recorder.at('rename', file);
      expect(rename).toMatchObject({ path: fresh, target: file });
      expect(rename?.file?.sha256).toBe(sha256('v2\n'));
      expect(recorder.events.map((e) => e.action)).toEqual([
        'create',
        'rename',
      ]);
    });

    it('reports a write of f when f.new was renamed at once', async () => {
      const file = join(root, 'app.conf');
      writeFileSync(file, 'v1\n');
      recorder = await Recorder.start({ paths: [root] });
      writeFileSync(`${file}.new`, 'v2\n');
      renameSync(`${file}.new`, file);
      await recorder.waitFor('write', file);
      await recorder.quiet();
      expect(recorder.events).toHaveLength(1);
      expect(recorder.events[0]?.file?.sha256).toBe(sha256('v2\n'));
    });
  });

  describe('when the root is a single file saved atomically', () => {
    it('reports a write of that file', async () => {
      const file = join(root, 'keys.json');
      writeFileSync(file, '{}');
      recorder = await Recorder.start({ paths: [file] });
      saveAtomically(file, '{"a":1}');
      await recorder.waitFor('write', file);
      await recorder.quiet();
      expect(recorder.events).toHaveLength(1);
      expect(recorder.events[0]?.file?.sha256).toBe(sha256('{"a":1}'));
    });
  });
});
