import { describe, expect, it } from 'vitest';
import { watches } from '../../agent/audit-capture.js';
import type { CapturedEvent } from '../../protocol/event.js';

const at = (path: string, target?: string): CapturedEvent => ({
  time: '2026-12-04T10:00:00.000Z',
  source: 'audit',
  action: 'rename',
  outcome: 'success',
  path,
  ...(target ? { target } : {}),
  user: null,
  process: null,
});

describe('watches', () => {
  const roots = ['/srv/data', '/etc/contract.pdf'];

  it('keeps accesses at or below a watched root, by path or target', () => {
    expect(watches(roots, at('/srv/data'))).toBe(true);
    expect(watches(roots, at('/srv/data/a/b.csv'))).toBe(true);
    expect(watches(roots, at('/etc/contract.pdf'))).toBe(true);
    expect(watches(roots, at('/tmp/x', '/srv/data/x'))).toBe(true);
  });

  it("drops what another agent's rules logged", () => {
    expect(watches(roots, at('/srv/data-other/a.csv'))).toBe(false);
    expect(watches(roots, at('/tmp/vigil-e2e-1/files/f0'))).toBe(false);
  });
});
