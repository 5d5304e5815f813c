import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { AGENT_NODE_FLAGS } from '../../agent/node-flags.js';
import { REPO_ROOT, requireBuild } from '../helpers/vigil-cli.js';
import { compactHeap, IdleTrim } from '../../agent/idle-trim.js';

const MiB = 1024 * 1024;

/** An agent whose RSS and drained state the test sets. */
function agent(options: { minIntervalMs?: number; settleMs?: number } = {}) {
  const state = { rss: 50 * MiB, drained: true, trimmed: 0 };
  const trim = new IdleTrim({
    isDrained: () => state.drained,
    trim: () => {
      state.trimmed += 1;
      state.rss = 50 * MiB; // what the collection gives back
    },
    rss: () => state.rss,
    growthBytes: 2 * MiB,
    minIntervalMs: options.minIntervalMs ?? 10_000,
    settleMs: options.settleMs ?? 10,
  });
  return { state, trim };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('IdleTrim', () => {
  let running: IdleTrim | undefined;
  afterEach(() => running?.stop());

  describe('when a burst grew the agent and all of it is delivered', () => {
    it('trims at once', () => {
      const { state, trim } = agent();
      running = trim;
      state.rss += 6 * MiB;
      trim.drained();
      expect(state.trimmed).toBe(1);
    });
  });

  describe('when something captured still waits', () => {
    it('does not trim', () => {
      const { state, trim } = agent();
      running = trim;
      state.rss += 6 * MiB;
      state.drained = false;
      trim.drained();
      expect(state.trimmed).toBe(0);
    });
  });

  describe('when the agent grew less than the threshold', () => {
    it('does not trim', () => {
      const { state, trim } = agent();
      running = trim;
      state.rss += 1 * MiB;
      trim.drained();
      expect(state.trimmed).toBe(0);
    });
  });

  describe('when the last trim was too recent', () => {
    it('trims once the interval is over, if still drained', async () => {
      const { state, trim } = agent({ minIntervalMs: 100 });
      running = trim;
      state.rss += 6 * MiB;
      trim.drained();
      await sleep(30); // settled at what the trim gave back
      state.rss += 6 * MiB;
      trim.drained();
      trim.drained(); // a second call waits for the same moment
      expect(state.trimmed).toBe(1);
      await sleep(200);
      expect(state.trimmed).toBe(2);
    });
  });

  describe('when busy again before the trim settled', () => {
    it('keeps measuring growth from the level before', async () => {
      const { state, trim } = agent({ minIntervalMs: 0, settleMs: 10 });
      running = trim;
      state.rss += 6 * MiB;
      trim.drained();
      state.drained = false;
      state.rss += 3 * MiB; // the next burst has begun
      await sleep(50);
      state.drained = true;
      trim.drained();
      expect(state.trimmed).toBe(2);
    });
  });

  describe('when a trim could not give memory back', () => {
    it('takes the level it reached as the new start', async () => {
      const { state, trim } = agent({ minIntervalMs: 0, settleMs: 10 });
      running = trim;
      state.rss += 6 * MiB;
      trim.drained();
      state.rss = 56 * MiB; // kept after all: a cache filled, say
      await sleep(50);
      trim.drained();
      expect(state.trimmed).toBe(1);
      state.rss += 3 * MiB;
      trim.drained();
      expect(state.trimmed).toBe(2);
    });
  });
});

describe('compactHeap', () => {
  describe('when node runs with the agent flags and a burst left garbage', () => {
    it('gives the garbage back at once', () => {
      requireBuild();
      const module = join(REPO_ROOT, 'dist', 'agent', 'idle-trim.js');
      const script = `
        const { compactHeap } = await import(${JSON.stringify(module)});
        let burst = Array.from({ length: 400000 }, (_, i) => ({ i, s: 'x' + i }));
        const before = process.memoryUsage().heapUsed;
        burst = undefined;
        compactHeap();
        const after = process.memoryUsage().heapUsed;
        console.log(JSON.stringify({ before, after }));`;
      const output = execFileSync(
        process.execPath,
        [...AGENT_NODE_FLAGS, '--input-type=module', '-e', script],
        { encoding: 'utf8' },
      );
      const { before, after } = JSON.parse(output) as {
        before: number;
        after: number;
      };
      expect(before - after).toBeGreaterThan(20 * MiB);
    });
  });

  describe('when node runs without --expose-gc', () => {
    it('does nothing and does not throw', () => {
      expect(() => compactHeap()).not.toThrow();
    });
  });
});
