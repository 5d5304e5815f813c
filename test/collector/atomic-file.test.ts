import {
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { writeFileAtomic } from '../../collector/atomic-file.js';

describe('writeFileAtomic', () => {
  let root: string;

  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), 'vigil-atomic-'));
  });

  afterEach(() => {
    rmSync(root, { recursive: true, force: true });
  });

  describe('when the folder exists', () => {
    it('replaces the file whole, at the mode asked whatever the umask', () => {
      const file = join(root, 'out.txt');
      writeFileSync(file, 'old', { mode: 0o600 });
      const umask = process.umask(0o077);
      try {
        writeFileAtomic(file, 'new', 0o644);
      } finally {
        process.umask(umask);
      }
      expect(readFileSync(file, 'utf8')).toBe('new');
      expect(statSync(file).mode & 0o777).toBe(0o644);
      expect(readdirSync(root)).toEqual(['out.txt']);
    });

    it('replaces a symlink instead of following it', () => {
      const target = join(root, 'target.txt');
      writeFileSync(target, 'keep');
      const link = join(root, 'link.txt');
      symlinkSync(target, link);
      writeFileAtomic(link, 'new', 0o600);
      expect(lstatSync(link).isSymbolicLink()).toBe(false);
      expect(readFileSync(target, 'utf8')).toBe('keep');
    });
  });

  describe('when the file cannot be written', () => {
    it('throws the file system error and leaves no temporary file', () => {
      const dir = join(root, 'dir');
      mkdirSync(dir);
      expect(() => writeFileAtomic(dir, 'x', 0o600)).toThrow(
        expect.objectContaining({ code: 'EISDIR' }),
      );
      expect(() =>
        writeFileAtomic(join(root, 'none', 'x'), 'x', 0o600),
      ).toThrow(expect.objectContaining({ code: 'ENOENT' }));
      expect(readdirSync(root)).toEqual(['dir']);
    });
  });
});
