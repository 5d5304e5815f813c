import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  initDataDir,
  loadDataDir,
  openStore,
} from '../../collector/data-dir.js';
import { parseVerifierKey } from '../../protocol/signed-note.js';

describe('collector data directory', () => {
  const dir = join(mkdtempSync(join(tmpdir(), 'vigil-data-')), 'data');
  const identity = initDataDir(dir);

  describe('when made by init', () => {
    it('holds the transparency log key, private half 0600', () => {
      const pub = readFileSync(join(dir, 'log.pub'), 'utf8').trim();
      expect(pub).toBe(identity.log.verifierKey);
      expect(parseVerifierKey(pub).name).toBe(identity.log.origin);
      expect(identity.log.origin).toBe(
        `vigil.invalid/collector/${identity.caFingerprint.slice(0, 16)}`,
      );
      expect(loadDataDir(dir).log.verifierKey).toBe(pub);
    });
  });

  describe('when store.db is not a SQLite file', () => {
    it('refuses to open it with a stable code, not a raw SQLite error', () => {
      const other = join(mkdtempSync(join(tmpdir(), 'vigil-data-')), 'data');
      initDataDir(other);
      writeFileSync(join(other, 'store.db'), 'not a database, honest');
      for (const readonly of [true, false]) {
        expect(() => openStore(other, readonly)).toThrow(
          expect.objectContaining({ code: 'VIGIL_STORE_UNREADABLE' }),
        );
      }
    });
  });
});
