import { rmSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { openStore } from '../collector/data-dir.js';
import type { EventRow } from '../collector/store/store.js';
import { CollectorStore } from '../collector/store/store.js';

/** The stored rows of each agent's seq range, as ingest wrote them. */
export function storedRows(
  dataDir: string,
  ranges: ReadonlyMap<string, [number, number]>,
): EventRow[] {
  const store = openStore(dataDir, true);
  try {
    return [...ranges].flatMap(([agent, [first, last]]) =>
      store.eventsIn(agent, first, last),
    );
  } finally {
    store.close();
  }
}

/**
 * The store's physical limit: `rows` inserted with one prepared statement
 * in one transaction into a fresh store file made by the store's own
 * migrations and pragmas (WAL, synchronous FULL). Rows per second.
 */
export function rawInsertRate(file: string, rows: readonly EventRow[]) {
  const store = new CollectorStore(file);
  try {
    const insert = store.db.prepare(
      'INSERT INTO events (agent, seq, hash, canonical) VALUES (?, ?, ?, ?)',
    );
    const start = performance.now();
    store.transaction(() => {
      for (const r of rows) insert.run(r.agent, r.seq, r.hash, r.canonical);
    });
    return rows.length / ((performance.now() - start) / 1000);
  } finally {
    store.close();
    for (const end of ['', '-wal', '-shm']) rmSync(file + end, { force: true });
  }
}
