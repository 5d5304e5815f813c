import type { FastifyReply, FastifyRequest } from 'fastify';
import { CollectorError } from '../errors.js';
import { authenticate, type ApiUser } from '../people/api-users.js';
import { can, rolesFor, type Permission } from '../people/roles.js';
import type { CollectorStore } from '../store/store.js';

declare module 'fastify' {
  interface FastifyRequest {
    /** The person whose bearer token authenticated a people's API request. */
    person?: ApiUser;
  }
  interface FastifyContextConfig {
    /** What a people's API route needs; a route without one is refused. */
    permission?: Permission;
  }
}

/**
 * onRequest hook of the people's API: the bearer token and the route's
 * permission are checked before the body is read. Every request after it
 * logs through a child logger naming the person, never the token.
 */
export function personHook(store: CollectorStore) {
  return async (
    request: FastifyRequest,
    reply: FastifyReply,
  ): Promise<void> => {
    const person = authenticate(store, request.headers.authorization);
    const permission = request.routeOptions.config.permission;
    if (!permission || !can(person.role, permission)) {
      throw new CollectorError(
        'VIGIL_ROLE_FORBIDDEN',
        `role: ${person.name} is ${person.role}; this needs ` +
          (permission ? rolesFor(permission).join(' or ') : 'a permission'),
      );
    }
    request.person = person;
    request.log = request.log.child({ person: person.name, role: person.role });
    reply.log = request.log;
  };
}

/** The person of a request that passed personHook. */
export function personOf(request: FastifyRequest): ApiUser {
  return request.person!;
}
