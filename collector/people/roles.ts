/** The roles an API user can hold (DESIGN section 4). */
export const ROLES = ['admin', 'analyst', 'auditor'] as const;
export type Role = (typeof ROLES)[number];

const EVERYONE: readonly Role[] = ROLES;

/**
 * Who may do what. Auditors read and export but change nothing; analysts
 * also triage; only admins manage agents and users.
 */
const GRANTS = {
  'violations.read': EVERYONE,
  'violations.export': EVERYONE,
  'violations.triage': ['admin', 'analyst'],
  'agents.read': EVERYONE,
  'agents.revoke': ['admin'],
  'users.manage': ['admin'],
  'audit.read': ['admin', 'auditor'],
  'log.read': EVERYONE,
} as const satisfies Record<string, readonly Role[]>;

export type Permission = keyof typeof GRANTS;

export function isRole(value: unknown): value is Role {
  return (ROLES as readonly unknown[]).includes(value);
}

export function can(role: Role, permission: Permission): boolean {
  return (GRANTS[permission] as readonly Role[]).includes(role);
}

/** The roles holding `permission`, for error messages. */
export function rolesFor(permission: Permission): readonly Role[] {
  return GRANTS[permission];
}
