import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { CollectorStore } from '../../collector/store/store.js';

const dir = mkdtempSync(join(tmpdir(), 'vigil-store-events-'));
const stores: CollectorStore[] = [];
afterAll(() => {
  stores.forEach((store) => store.close());
  rmSync(dir, { recursive: true, force: true });
});

function freshStore(): CollectorStore {
  const store = new CollectorStore(join(dir, `s${stores.length}.db`));
  stores.push(store);
  return store;
}

/** `count` events from seq `from`, with text and hash that name their seq. */
function events(from: number, count: number) {
  return Array.from({ length: count }, (_, i) => ({
    seq: from + i,
    hash: (from + i).toString(16).padStart(64, '0'),
    text: `{"seq":${from + i},"path":"/srv/a-${from + i}.csv"}`,
  }));
}

describe('CollectorStore.insertEvents (many rows per statement)', () => {
  it.each([0, 1, 49, 50, 51, 137])(
    'stores %i events exactly as one insert per event does',
    (count) => {
      const many = freshStore();
      const one = freshStore();
      const batch = events(7, count);
      many.transaction(() => many.insertEvents('agent-a', batch));
      one.transaction(() => {
        for (const { seq, hash, text } of batch) {
          one.insertEvent({ agent: 'agent-a', seq, hash, canonical: text });
        }
      });
      const all = (store: CollectorStore) => store.eventsIn('agent-a', 0, 1e9);
      expect(all(many)).toEqual(all(one));
      expect(all(many)).toHaveLength(count);
      expect(all(many)[count - 1]?.canonical).toBe(batch[count - 1]?.text);
    },
  );

  it('refuses a batch holding a stored seq and stores none of it', () => {
    const store = freshStore();
    store.transaction(() => store.insertEvents('agent-a', events(60, 1)));
    // Seq 60 sits inside the first statement of 50 rows, 61 after it.
    expect(() =>
      store.transaction(() => store.insertEvents('agent-a', events(11, 120))),
    ).toThrow(/UNIQUE constraint failed: events.agent, events.seq/);
    expect(store.eventsIn('agent-a', 0, 1e9).map((e) => e.seq)).toEqual([60]);
  });
});
