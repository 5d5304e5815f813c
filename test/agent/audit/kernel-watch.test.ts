import { describe, expect, it } from 'vitest';
import { AuditError } from '../../../agent/audit/errors.js';
import { KernelWatch } from '../../../agent/audit/kernel-watch.js';
import type { CapturedEvent } from '../../../protocol/event.js';
import { waitFor } from './live.js';

describe('KernelWatch', () => {
  describe('when the kernel status cannot be read at every check', () => {
    it('reports sensor.degraded once, not at every check', async () => {
      let reads = 0;
      const events: CapturedEvent[] = [];
      const watch = new KernelWatch(
        {
          paths: ['/nonexistent'],
          key: 'vigil-kw',
          checkMs: 10,
          readStatus: () => {
            reads += 1;
            return Promise.reject(
              new AuditError('VIGIL_AUDIT_RULE_FAILED', 'auditctl -s failed'),
            );
          },
        },
        (event) => events.push(event),
      );
      watch.start();
      await waitFor(() => reads >= 5, 'five checks');
      await watch.stop();
      expect(events).toEqual([
        expect.objectContaining({
          source: 'agent',
          action: 'sensor.degraded',
          outcome: 'failed',
          detail: {
            sensor: 'audit',
            reason: 'audit rules and lost counter cannot be checked',
            code: 'VIGIL_AUDIT_RULE_FAILED',
          },
        }),
      ]);
    });
  });

  describe('when stopped', () => {
    it('checks no more', async () => {
      let reads = 0;
      const watch = new KernelWatch(
        {
          paths: [],
          key: 'vigil-kw',
          checkMs: 10,
          readStatus: () => {
            reads += 1;
            return Promise.reject(new Error('down'));
          },
        },
        () => undefined,
      );
      watch.start();
      await waitFor(() => reads >= 1, 'one check');
      await watch.stop();
      const after = reads;
      await new Promise((resolve) => setTimeout(resolve, 60));
      expect(reads).toBe(after);
    });
  });
});
