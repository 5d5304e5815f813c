import { describe, expect, it } from 'vitest';
import { SettleQueue } from '../../../agent/fs/settle-queue.js';
import { sleep, waitFor } from './helpers.js';

const STABLE_MS = 30;
const MAX_WAIT_MS = 10_000;

/** A queue whose handler records each call and can be held open. */
function recordingQueue(hold?: Promise<void>): {
  queue: SettleQueue;
  calls: Array<{ path: string; firstSeenMs: number }>;
} {
  const calls: Array<{ path: string; firstSeenMs: number }> = [];
  const queue = new SettleQueue(STABLE_MS, MAX_WAIT_MS, async (path, first) => {
    calls.push({ path, firstSeenMs: first });
    await hold;
  });
  return { queue, calls };
}

describe('SettleQueue', () => {
  describe('when a path changes several times in a row', () => {
    it('handles it once, dated by the first change', async () => {
      const { queue, calls } = recordingQueue();
      const first = Date.now() - 5;
      queue.touch('/a', first);
      queue.touch('/a', first + 2);
      queue.touch('/a');
      await waitFor(() => calls.length === 1, 'one call');
      await sleep(STABLE_MS * 4);
      expect(calls).toEqual([{ path: '/a', firstSeenMs: first }]);
    });
  });

  describe('when a path changes while its handler runs', () => {
    it('handles it again after the first handler finished', async () => {
      let release = (): void => {};
      const hold = new Promise<void>((resolve) => (release = resolve));
      const { queue, calls } = recordingQueue(hold);
      queue.touch('/a');
      await waitFor(() => calls.length === 1, 'the first call');
      queue.touch('/a');
      await sleep(STABLE_MS * 4);
      expect(calls).toHaveLength(1);
      release();
      await waitFor(() => calls.length === 2, 'the second call');
    });
  });

  describe('when it is closed with paths waiting', () => {
    it('handles them at once and takes no more', async () => {
      const { queue, calls } = recordingQueue();
      queue.touch('/a');
      queue.touch('/b');
      await queue.close();
      expect(calls.map((c) => c.path).sort()).toEqual(['/a', '/b']);
      queue.touch('/c');
      await sleep(STABLE_MS * 4);
      expect(calls).toHaveLength(2);
      expect(queue.has('/c')).toBe(false);
    });
  });

  describe('when a waiting path is cancelled', () => {
    it('is not handled', async () => {
      const { queue, calls } = recordingQueue();
      queue.touch('/a');
      queue.cancel('/a');
      await sleep(STABLE_MS * 4);
      expect(calls).toEqual([]);
    });
  });

  describe('when many paths settle at once', () => {
    it('handles them all, a few at a time', async () => {
      let active = 0;
      let most = 0;
      const handled: string[] = [];
      const queue = new SettleQueue(
        STABLE_MS,
        MAX_WAIT_MS,
        async (path) => {
          active += 1;
          most = Math.max(most, active);
          await sleep(5);
          active -= 1;
          handled.push(path);
        },
        4,
      );
      for (let i = 0; i < 50; i++) queue.touch(`/f${i}`);
      await waitFor(() => handled.length === 50, 'every path');
      expect(most).toBe(4);
      expect(new Set(handled).size).toBe(50);
    });
  });

  describe('when a path keeps changing past the longest wait', () => {
    it('is handled anyway', async () => {
      const calls: string[] = [];
      const queue = new SettleQueue(STABLE_MS, STABLE_MS * 3, async (path) => {
        calls.push(path);
      });
      // Changes every STABLE_MS / 3: never quiet long enough on its own.
      const until = Date.now() + 5_000;
      while (calls.length === 0 && Date.now() < until) {
        queue.touch('/log');
        await sleep(STABLE_MS / 3);
      }
      expect(calls).toEqual(['/log']);
      await queue.close();
    });
  });
});
