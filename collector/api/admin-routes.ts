import type { FastifyInstance } from 'fastify';
import {
  addApiUser,
  listApiUsers,
  removeApiUser,
} from '../people/api-users.js';
import { toAgentView, type AgentState } from '../people/agent-view.js';
import { listAuditEntries } from '../people/audit-log.js';
import { revokeAgent } from '../people/revoke.js';
import { parsePageQuery } from '../people/violation-query.js';
import type { AgentRow, CollectorStore } from '../store/store.js';
import { personHook, personOf } from './person-auth.js';

const REVOKE_BODY = {
  type: 'object',
  additionalProperties: false,
  properties: { reason: { type: 'string', maxLength: 500 } },
} as const;

const USER_BODY = {
  type: 'object',
  additionalProperties: false,
  required: ['name', 'role'],
  properties: {
    name: { type: 'string', maxLength: 200 },
    role: { type: 'string', maxLength: 32 },
  },
} as const;

export interface AdminDeps {
  store: CollectorStore;
  agentState: (agent: AgentRow) => AgentState;
}

/** The people's API for agents, users and the collector's audit log. */
export function adminRoutes(deps: AdminDeps) {
  const { store, agentState } = deps;
  return async (app: FastifyInstance): Promise<void> => {
    app.addHook('onRequest', personHook(store));

    app.get(
      '/v1/agents',
      { config: { permission: 'agents.read' } },
      async () => ({
        agents: store.listAgents().map((a) => toAgentView(a, agentState(a))),
      }),
    );

    app.post<{ Params: { id: string }; Body: { reason?: string } | undefined }>(
      '/v1/agents/:id/revoke',
      {
        config: { permission: 'agents.revoke' },
        schema: { body: REVOKE_BODY },
      },
      async (request) => {
        const { agent, changed } = revokeAgent(store, {
          agent: request.params.id,
          ...(request.body?.reason ? { reason: request.body.reason } : {}),
          by: `api:${personOf(request).name}`,
        });
        request.log.warn({ agent: agent.id, changed }, 'agent revoked');
        return { agent: toAgentView(agent, agentState(agent)), changed };
      },
    );

    app.get(
      '/v1/users',
      { config: { permission: 'users.manage' } },
      async () => ({
        users: listApiUsers(store),
      }),
    );

    app.post<{ Body: { name: string; role: string } }>(
      '/v1/users',
      { config: { permission: 'users.manage' }, schema: { body: USER_BODY } },
      async (request) => {
        const by = `api:${personOf(request).name}`;
        const added = addApiUser(store, { ...request.body, by });
        request.log.info({ user: added.user.name }, 'api user added');
        return added;
      },
    );

    app.delete<{ Params: { name: string } }>(
      '/v1/users/:name',
      { config: { permission: 'users.manage' } },
      async (request) => ({
        user: removeApiUser(
          store,
          request.params.name,
          `api:${personOf(request).name}`,
        ),
      }),
    );

    app.get(
      '/v1/audit-log',
      { config: { permission: 'audit.read' } },
      async (request) => {
        const { after, limit } = parsePageQuery(request.query);
        const entries = listAuditEntries(store, after, limit);
        const next = entries.length === limit ? entries.at(-1)!.id : null;
        return { entries, next };
      },
    );
  };
}
