import { describe, expect, it } from 'vitest';
import {
  can,
  ROLES,
  type Permission,
} from '../../../collector/people/roles.js';

/** Who may do what: DESIGN section 4 and the brief of issue 4. */
const EXPECTED: Record<Permission, string[]> = {
  'violations.read': ['admin', 'analyst', 'auditor'],
  'violations.export': ['admin', 'analyst', 'auditor'],
  'violations.triage': ['admin', 'analyst'],
  'agents.read': ['admin', 'analyst', 'auditor'],
  'agents.revoke': ['admin'],
  'users.manage': ['admin'],
  'audit.read': ['admin', 'auditor'],
  'log.read': ['admin', 'analyst', 'auditor'],
};

describe('roles', () => {
  describe('when each permission is asked of each role', () => {
    it('grants exactly the expected roles', () => {
      for (const [permission, roles] of Object.entries(EXPECTED)) {
        const granted = ROLES.filter((r) => can(r, permission as Permission));
        expect([permission, granted]).toEqual([permission, roles]);
      }
    });
  });
});
