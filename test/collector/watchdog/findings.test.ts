import { describe, expect, it } from 'vitest';
import {
  coverageFinding,
  dropFinding,
} from '../../../collector/watchdog/findings.js';
import type { AccessEvent, CapturedEvent } from '../../../protocol/event.js';

let seq = 0;

function event(
  action: CapturedEvent['action'],
  detail?: Record<string, unknown>,
): AccessEvent {
  seq += 1;
  return {
    seq,
    prev: '0'.repeat(64),
    time: '2026-12-04T10:00:00.000Z',
    agent: { id: 'acme-1', vendor: 'acme', host: 'h' },
    source: 'agent',
    action,
    outcome: 'success',
    user: null,
    process: null,
    ...(detail ? { detail } : {}),
  };
}

const beat = (missing: unknown) =>
  event('heartbeat', { coverage: { designated: [], watched: [], missing } });

describe('coverageFinding', () => {
  describe('when a heartbeat names missing roots', () => {
    it('holds, naming at most five roots and how many more', () => {
      const roots = ['/a', '/b', '/c', '/d', '/e', '/f', '/g'];
      const finding = coverageFinding([beat(roots)]);
      expect(finding).toMatchObject({ watch: 'agent.coverage', holds: true });
      expect(finding!.reason).toContain('7 designated root(s)');
      expect(finding!.reason).toContain('/a, /b, /c, /d, /e and 2 more');
    });
  });

  describe('when several reports are in one batch', () => {
    it('believes the last one', () => {
      const finding = coverageFinding([beat(['/a']), beat([])]);
      expect(finding?.holds).toBe(false);
    });
  });

  describe('when the agent sends a detail of the wrong shape', () => {
    it('learns nothing from it and does not throw', () => {
      for (const detail of [
        undefined,
        { coverage: 'all' },
        { coverage: { missing: 'x' } },
        { coverage: null },
      ]) {
        expect(coverageFinding([event('heartbeat', detail)])).toBeUndefined();
      }
      expect(coverageFinding([event('agent.start', { missing: ['/a'] })])).toBe(
        undefined,
      );
    });
  });
});

describe('dropFinding', () => {
  describe('when losses are reported', () => {
    it('holds on the first loss and counts the others', () => {
      const finding = dropFinding([
        event('heartbeat', {}),
        event('audit.lost', { count: 3 }),
        event('events.dropped', { count: 'many' }),
      ]);
      expect(finding).toMatchObject({ watch: 'agent.dropped', holds: true });
      expect(finding!.reason).toMatch(
        /^audit\.lost at seq \d+: the kernel lost 3 audit record\(s\) \(and 1 more\)$/,
      );
    });

    it('says "?" for a count that is not a whole number', () => {
      const finding = dropFinding([event('events.dropped', { count: 1.5 })]);
      expect(finding!.reason).toContain('? event(s) dropped');
    });
  });

  describe('when a batch has a heartbeat and no loss', () => {
    it('does not hold', () => {
      expect(dropFinding([event('heartbeat', {})])?.holds).toBe(false);
    });
  });

  describe('when a batch has neither', () => {
    it('says nothing', () => {
      expect(dropFinding([event('agent.start', {})])).toBeUndefined();
    });
  });
});
