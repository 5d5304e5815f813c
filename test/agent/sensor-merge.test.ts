import { describe, expect, it } from 'vitest';
import { SensorMerge } from '../../agent/sensor-merge.js';
import type { CapturedEvent } from '../../protocol/event.js';

function change(
  source: 'audit' | 'fs',
  path: string,
  action: CapturedEvent['action'] = 'write',
): CapturedEvent {
  return {
    time: '2026-12-04T10:00:00.000Z',
    source,
    action,
    outcome: 'success',
    path,
    user: null,
    process: null,
  };
}

const tick = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('SensorMerge', () => {
  describe('when both sensors report one change', () => {
    it('passes on the audit event only, whichever came first', async () => {
      const out: CapturedEvent[] = [];
      const merge = new SensorMerge((e) => out.push(e), 100);
      merge.fromFs(change('fs', '/srv/a'));
      merge.fromAudit(change('audit', '/srv/a'));
      merge.fromAudit(change('audit', '/srv/b'));
      merge.fromFs(change('fs', '/srv/b'));
      await tick(150);
      expect(out.map((e) => `${e.source} ${e.path}`)).toEqual([
        'audit /srv/a',
        'audit /srv/b',
      ]);
      expect(merge.merged).toBe(2);
    });
  });

  describe('when only the file sensor saw a change', () => {
    it('passes it on after the hold', async () => {
      const out: CapturedEvent[] = [];
      const merge = new SensorMerge((e) => out.push(e), 50);
      merge.fromAudit(change('audit', '/srv/a', 'read'));
      merge.fromFs(change('fs', '/srv/a'));
      expect(out).toHaveLength(1);
      await tick(100);
      expect(out.map((e) => e.source)).toEqual(['audit', 'fs']);
    });

    it('passes held events on at stop', () => {
      const out: CapturedEvent[] = [];
      const merge = new SensorMerge((e) => out.push(e), 60_000);
      merge.fromFs(change('fs', '/srv/a'));
      merge.release();
      expect(out).toHaveLength(1);
    });
  });
});
