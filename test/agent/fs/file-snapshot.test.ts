import {
  mkdirSync,
  renameSync,
  statSync,
  symlinkSync,
  unlinkSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  hashEntry,
  lstatEntry,
  type EntrySnapshot,
} from '../../../agent/fs/file-snapshot.js';
import { removeDir, sha256, tempDir } from './helpers.js';

async function present(path: string): Promise<EntrySnapshot> {
  const entry = await lstatEntry(path);
  if (!entry) throw new Error(`nothing at ${path}`);
  return entry;
}

describe('file snapshots', () => {
  let dir: string;

  beforeEach(() => {
    dir = tempDir();
  });

  afterEach(() => removeDir(dir));

  describe('when the file is small enough', () => {
    it('carries the sha256 of its content and its stat fields', async () => {
      const file = join(dir, 'a.txt');
      writeFileSync(file, 'hello\n', { mode: 0o640 });
      const read = await hashEntry(file, await present(file));
      const stats = statSync(file);
      expect(read).toMatchObject({
        sha256: sha256('hello\n'),
        size: 6,
        ino: stats.ino,
        uid: stats.uid,
        mode: 0o100640,
      });
    });
  });

  describe('when the file is larger than the hash cap', () => {
    it('leaves the sha256 out but keeps the size', async () => {
      const file = join(dir, 'big.bin');
      writeFileSync(file, Buffer.alloc(4096, 1));
      const read = await hashEntry(file, await present(file), 4095);
      expect(read).not.toHaveProperty('sha256');
      expect(read).toMatchObject({ size: 4096 });
    });

    it('hashes a file exactly at the cap', async () => {
      const file = join(dir, 'edge.bin');
      writeFileSync(file, 'abcd');
      const read = await hashEntry(file, await present(file), 4);
      expect(read).toMatchObject({ sha256: sha256('abcd') });
    });
  });

  describe('when the entry is a symlink', () => {
    it('describes the link and reads nothing through it', async () => {
      const link = join(dir, 'link');
      writeFileSync(join(dir, 'target'), 'secret');
      symlinkSync(join(dir, 'target'), link);
      const read = await hashEntry(link, await present(link));
      expect(read).not.toHaveProperty('sha256');
      expect(read).toMatchObject({ mode: 0o120777 });
    });
  });

  describe('when the file changed between stat and read', () => {
    it('is unstable once another file was renamed over it', async () => {
      const file = join(dir, 'f');
      writeFileSync(file, 'one');
      const seen = await present(file);
      writeFileSync(join(dir, 'f.new'), 'two');
      renameSync(join(dir, 'f.new'), file);
      expect(await hashEntry(file, seen)).toBe('unstable');
    });

    it('is gone once it was deleted', async () => {
      const file = join(dir, 'f');
      writeFileSync(file, 'one');
      const seen = await present(file);
      unlinkSync(file);
      expect(await hashEntry(file, seen)).toBe('gone');
    });
  });

  describe('when nothing but a directory is at the path', () => {
    it('has no entry', async () => {
      mkdirSync(join(dir, 'sub'));
      expect(await lstatEntry(join(dir, 'sub'))).toBeUndefined();
      expect(await lstatEntry(join(dir, 'none'))).toBeUndefined();
      expect(await lstatEntry(join(dir, 'none', 'deeper'))).toBeUndefined();
    });
  });
});
