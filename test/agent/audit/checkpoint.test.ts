import { mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  readCheckpoint,
  writeCheckpoint,
} from '../../../agent/audit/checkpoint.js';

function tempFile(): string {
  return join(mkdtempSync(join(tmpdir(), 'vigil-cp-')), 'audit.checkpoint');
}

describe('audit checkpoint', () => {
  describe('when none was saved', () => {
    it('reads as undefined', () => {
      expect(readCheckpoint(tempFile())).toBeUndefined();
    });
  });

  describe('when one is saved', () => {
    it('reads back the same and leaves no temporary file', () => {
      const file = tempFile();
      const checkpoint = { inode: 12, offset: 3456, done: ['1.2:3'] };
      writeCheckpoint(file, checkpoint);
      writeCheckpoint(file, { ...checkpoint, offset: 4000 });
      expect(readCheckpoint(file)).toEqual({ ...checkpoint, offset: 4000 });
      expect(readdirSync(join(file, '..'))).toEqual(['audit.checkpoint']);
    });
  });

  describe('when it holds the lost counter as reported', () => {
    it('reads it back with the boot it was counted on', () => {
      const file = tempFile();
      const lost = { boot: '08ac5691-7e7d-4268-ba07-bde0a82ba13e', lost: 7 };
      writeCheckpoint(file, { inode: 1, offset: 2, done: [], lost });
      expect(readCheckpoint(file)?.lost).toEqual(lost);
    });
  });

  describe('when the file is damaged', () => {
    it.each([
      ['not JSON', '{"inode":'],
      ['a negative offset', '{"inode":1,"offset":-1,"done":[]}'],
      ['no done list', '{"inode":1,"offset":0}'],
      [
        'a lost count that is no count',
        '{"inode":1,"offset":0,"done":[],"lost":{"boot":"b","lost":-1}}',
      ],
    ])('rejects %s with VIGIL_AUDIT_CHECKPOINT_INVALID', (_why, text) => {
      const file = tempFile();
      writeFileSync(file, text);
      expect(() => readCheckpoint(file)).toThrow(
        expect.objectContaining({ code: 'VIGIL_AUDIT_CHECKPOINT_INVALID' }),
      );
    });
  });
});
