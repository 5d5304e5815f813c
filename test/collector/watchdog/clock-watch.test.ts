import { describe, expect, it } from 'vitest';
import { ClockWatch } from '../../../collector/watchdog/clock-watch.js';

const MINUTE_MS = 60_000;
const T0 = Date.parse('2026-12-04T10:00:00.000Z');

/** A batch received at T0 + `atMin` minutes, signed `skewMin` minutes off. */
function batch(atMin: number, skewMin: number, agent = 'acme-1') {
  const received = T0 + atMin * MINUTE_MS;
  return {
    agent,
    seq: atMin + 1,
    checkpointTime: new Date(received + skewMin * MINUTE_MS).toISOString(),
    receivedAt: new Date(received).toISOString(),
  };
}

describe('ClockWatch', () => {
  const options = { skewMs: 2 * MINUTE_MS, confirmMs: 5 * MINUTE_MS };

  describe('when a checkpoint is signed in the future', () => {
    it('holds at once: no delay can explain it', () => {
      const finding = new ClockWatch(options).judge(batch(0, 3));
      expect(finding).toMatchObject({ watch: 'agent.clock', holds: true });
      expect(finding!.reason).toContain('3m ahead');
    });
  });

  describe('when a checkpoint is within the bound', () => {
    it('does not hold', () => {
      expect(new ClockWatch(options).judge(batch(0, -1))?.holds).toBe(false);
    });
  });

  describe('when a backlog arrives after an outage', () => {
    it('says nothing, then clears with the first batch on time', () => {
      const watch = new ClockWatch(options);
      expect(watch.judge(batch(0, -60))).toBeUndefined();
      expect(watch.judge(batch(1, -30))).toBeUndefined();
      expect(watch.judge(batch(2, 0))?.holds).toBe(false);
      // The run of late batches starts over.
      expect(watch.judge(batch(8, -10))).toBeUndefined();
    });
  });

  describe('when every batch is late for the confirmation time', () => {
    it('holds: the clock is behind', () => {
      const watch = new ClockWatch(options);
      expect(watch.judge(batch(0, -10))).toBeUndefined();
      expect(watch.judge(batch(3, -10))).toBeUndefined();
      const finding = watch.judge(batch(5, -10));
      expect(finding?.holds).toBe(true);
      expect(finding!.reason).toContain('10m behind');
      expect(finding!.reason).toContain('every batch for 5m');
    });

    it('keeps each agent apart', () => {
      const watch = new ClockWatch(options);
      watch.judge(batch(0, -10, 'a'));
      expect(watch.judge(batch(5, -10, 'b'))).toBeUndefined();
    });
  });

  describe('when a time cannot be read', () => {
    it('says nothing', () => {
      const bad = { ...batch(0, 0), checkpointTime: 'yesterday' };
      expect(new ClockWatch(options).judge(bad)).toBeUndefined();
    });
  });
});
