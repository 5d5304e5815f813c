import { randomBytes } from 'node:crypto';
import { hashToken } from '../enroll.js';
import { CollectorError } from '../errors.js';
import type { ApiUserRow, CollectorStore } from '../store/store.js';
import { recordAudit } from './audit-log.js';
import { isRole, ROLES, type Role } from './roles.js';

/** Random bytes in an API token; the prefix lets secret scanners spot one. */
const TOKEN_BYTES = 32;
const TOKEN_PREFIX = 'vigil_';
const NAME_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._@-]{0,63}$/;
const BEARER_PATTERN = /^Bearer +([A-Za-z0-9._~+/=-]{1,256})$/i;

/** The person behind a request. */
export interface ApiUser {
  name: string;
  role: Role;
}

/** A user as `GET /v1/users` and `vigil collector user list` show it. */
export interface UserView {
  name: string;
  role: string;
  createdAt: string;
  createdBy: string;
  disabledAt: string | null;
}

/**
 * Adds a user and returns its token, which exists only in this return
 * value: the store keeps its SHA-256. A name stays taken after removal so
 * that history entries name one person.
 */
export function addApiUser(
  store: CollectorStore,
  request: { name: string; role: string; by: string },
  now = new Date(),
): { user: UserView; token: string } {
  const { name, role, by } = checkUser(request);
  const token = TOKEN_PREFIX + randomBytes(TOKEN_BYTES).toString('base64url');
  store.transaction(() => {
    if (store.getApiUser(name)) {
      throw new CollectorError(
        'VIGIL_USER_EXISTS',
        `name: a user "${name}" exists already (names are never reused)`,
      );
    }
    store.insertApiUser({
      name,
      role,
      token_hash: hashToken(token),
      created_at: now.toISOString(),
      created_by: by,
    });
    recordAudit(
      store,
      { actor: by, action: 'user.added', target: name, detail: { role } },
      now,
    );
  });
  return { user: toUserView(store.getApiUser(name)!), token };
}

/** Disables a user's token for good; removing twice changes nothing. */
export function removeApiUser(
  store: CollectorStore,
  name: string,
  by: string,
  now = new Date(),
): UserView {
  return store.transaction(() => {
    const row = store.getApiUser(name);
    if (!row) {
      throw new CollectorError(
        'VIGIL_NOT_FOUND',
        `user: no user named "${name.slice(0, 64)}"`,
      );
    }
    if (store.disableApiUser(name, now.toISOString())) {
      recordAudit(
        store,
        { actor: by, action: 'user.removed', target: name, detail: {} },
        now,
      );
    }
    return toUserView(store.getApiUser(name)!);
  });
}

export function listApiUsers(store: CollectorStore): UserView[] {
  return store.listApiUsers().map(toUserView);
}

/**
 * The user whose token an `Authorization: Bearer …` header carries. The
 * token is looked up by its hash only and never logged or echoed.
 */
export function authenticate(
  store: CollectorStore,
  authorization: string | undefined,
): ApiUser {
  if (!authorization) {
    throw new CollectorError(
      'VIGIL_AUTH_REQUIRED',
      'authorization: send "Authorization: Bearer <token>"; an admin ' +
        'makes one with: vigil collector user add',
    );
  }
  const token = BEARER_PATTERN.exec(authorization.trim())?.[1];
  const row = token ? store.apiUserByTokenHash(hashToken(token)) : undefined;
  if (!row || !isRole(row.role)) {
    throw new CollectorError(
      'VIGIL_AUTH_INVALID',
      'authorization: the bearer token is malformed, unknown or was removed',
    );
  }
  return { name: row.name, role: row.role };
}

function checkUser(request: { name: string; role: string; by: string }) {
  if (!NAME_PATTERN.test(request.name)) {
    throw new CollectorError(
      'VIGIL_USER_INVALID',
      `name: "${request.name.slice(0, 64)}" must be 1-64 letters, digits, ` +
        '".", "_", "@" or "-", starting with a letter or digit',
    );
  }
  if (!isRole(request.role)) {
    throw new CollectorError(
      'VIGIL_USER_INVALID',
      `role: "${request.role.slice(0, 32)}" is not one of ${ROLES.join(', ')}`,
    );
  }
  return { name: request.name, role: request.role, by: request.by };
}

function toUserView(row: ApiUserRow): UserView {
  return {
    name: row.name,
    role: row.role,
    createdAt: row.created_at,
    createdBy: row.created_by,
    disabledAt: row.disabled_at,
  };
}
