import { describe, expect, it } from 'vitest';
import {
  deviceName,
  WatchedRoots,
} from '../../../agent/audit/watched-roots.js';

describe('WatchedRoots', () => {
  describe('when a path is checked', () => {
    it('holds the root and what is under it, not a sibling prefix', () => {
      const roots = new WatchedRoots(['/srv/data/', '/etc/shadow']);
      expect(roots.contains('/srv/data')).toBe(true);
      expect(roots.contains('/srv/data/a/b')).toBe(true);
      expect(roots.contains('/srv/database')).toBe(false);
      expect(roots.contains('/etc/shadow')).toBe(true);
      expect(roots.contains('/etc/shadow-')).toBe(false);
    });
  });
});

describe('deviceName', () => {
  describe('when given a dev_t', () => {
    it('prints it as the audit log does', () => {
      expect(deviceName(0xfe00)).toBe('fe:00');
      expect(deviceName(0x10301)).toBe('103:01');
      expect(deviceName(0x800)).toBe('08:00');
    });
  });
});
