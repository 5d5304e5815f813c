import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openStore } from '../../../collector/data-dir.js';
import {
  CURSOR_START,
  type ForwardCursor,
} from '../../../collector/forward/cursor-store.js';
import { ForwardReader } from '../../../collector/forward/reader.js';
import type { CollectorStore } from '../../../collector/store/store.js';
import { access } from '../live-collector.js';
import {
  postFromNewAgent,
  startForwardingCollector,
  TEST_POLL_MS,
  type ForwardingCollector,
} from './forward-fixture.js';

describe('ForwardReader', () => {
  let fx: ForwardingCollector;
  let store: CollectorStore;
  /** Event ids in the order their batches were accepted. */
  const accepted: string[] = [];

  beforeAll(async () => {
    // Forwarding to a file runs beside; the reader here has its own cursor.
    fx = await startForwardingCollector((root) => ({
      format: 'ocsf',
      sinks: [{ kind: 'file', path: join(root, 'out.ndjson') }],
      pollMs: TEST_POLL_MS,
    }));
    const batches = [5, 2, 7, 1];
    for (const [i, size] of batches.entries()) {
      const reply = await fx.sender.send(
        Array.from({ length: size }, (_, n) =>
          access(`/srv/records/${i}-${n}`),
        ),
      );
      accepted.push(...reply.events.map((e) => `${e.agent.id}:${e.seq}`));
      if (i === 1) {
        const other = await postFromNewAgent(fx, 'agent-b', 1, 4);
        accepted.push(...other.map((e) => `${e.agent.id}:${e.seq}`));
      }
    }
    store = openStore(fx.identity.dir, true);
  }, 60_000);

  afterAll(async () => {
    store?.close();
    await fx?.close();
  });

  describe('when batches are larger than a page', () => {
    it('reads every event once, in acceptance order, across pages', () => {
      const reader = new ForwardReader(store, 3);
      let cursor: ForwardCursor = CURSOR_START;
      const read: string[] = [];
      const lags: number[] = [reader.pending(cursor)];
      for (let page = reader.events(cursor); page.items.length > 0;) {
        expect(page.items.length).toBeLessThanOrEqual(3);
        read.push(...page.items.map((item) => item.id));
        cursor = page.cursor;
        lags.push(reader.pending(cursor));
        page = reader.events(cursor);
      }
      expect(read).toEqual(accepted);
      // Pending counts events and violations (every read by bob is one).
      const violations = store.forward.pending(-1, 0, 0).violations;
      expect(lags[0]).toBe(accepted.length + violations);
      expect(lags.at(-1)).toBe(violations);
    });
  });

  describe('when violations are read', () => {
    it('pages them by id and moves only their cursor', () => {
      const reader = new ForwardReader(store, 2);
      const first = reader.violations(CURSOR_START);
      expect(first.items.map((i) => i.id)).toEqual([
        'violation:1',
        'violation:2',
      ]);
      expect(first.cursor).toEqual({ ...CURSOR_START, violations: 2 });
      expect(first.items[0]).toMatchObject({
        kind: 'violation',
        violation: {
          kind: 'default-deny',
          vendor: 'acme',
          host: expect.any(String),
        },
        event: { seq: 1 },
      });
    });
  });
});
