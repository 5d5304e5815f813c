import {
  mkdtempSync,
  readdirSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  CURSOR_START,
  CursorStore,
} from '../../../collector/forward/cursor-store.js';

describe('CursorStore', () => {
  let dataDir: string;

  beforeEach(() => {
    dataDir = mkdtempSync(join(tmpdir(), 'vigil-cursor-'));
  });

  afterEach(() => {
    rmSync(dataDir, { recursive: true, force: true });
  });

  describe('when no cursor was saved', () => {
    it('starts before the first record', () => {
      expect(CursorStore.forSink(dataDir, 'http').load()).toEqual({
        cursor: CURSOR_START,
      });
    });
  });

  describe('when a cursor was saved', () => {
    it('reads it back, from a 0600 file, with no temporary left', async () => {
      const store = CursorStore.forSink(dataDir, 'http');
      const cursor = { events: { leaf: 41, seq: 1200 }, violations: 17 };
      await store.save(cursor);
      await store.save({ ...cursor, violations: 18 });
      expect(CursorStore.forSink(dataDir, 'http').load()).toEqual({
        cursor: { ...cursor, violations: 18 },
      });
      expect(readdirSync(join(dataDir, 'forward'))).toEqual(['http.json']);
      expect(statSync(store.file).mode & 0o777).toBe(0o600);
      expect(statSync(join(dataDir, 'forward')).mode & 0o777).toBe(0o700);
    });

    it('keeps each sink apart', async () => {
      await CursorStore.forSink(dataDir, 'file').save({
        events: { leaf: 3, seq: 9 },
        violations: 2,
      });
      expect(CursorStore.forSink(dataDir, 'http').load().cursor).toEqual(
        CURSOR_START,
      );
    });
  });

  describe('when the file is not a cursor', () => {
    it.each([
      ['{"version":1,"events":{"leaf":3,"seq":1}', 'cut JSON'],
      ['{"version":2,"events":{"leaf":3,"seq":1},"violations":0}', 'version'],
      ['{"version":1,"events":{"leaf":-2,"seq":1},"violations":0}', 'leaf'],
      ['{"version":1,"events":{"leaf":3,"seq":1.5},"violations":0}', 'seq'],
      ['{"version":1,"events":{"leaf":3,"seq":1},"violations":"7"}', 'id'],
      ['[]', 'an array'],
    ])('starts over, so nothing is skipped (%s: %s)', (text) => {
      const store = CursorStore.forSink(dataDir, 'http');
      writeFileSync(store.file, text);
      expect(store.load()).toEqual({
        cursor: CURSOR_START,
        problem: 'is not a forwarding cursor',
      });
    });
  });
});
