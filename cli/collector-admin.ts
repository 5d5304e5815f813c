import type { Command } from 'commander';
import { userInfo } from 'node:os';
import { resolve } from 'node:path';
import { loadDataDir, openStore } from '../collector/data-dir.js';
import { toAgentView } from '../collector/people/agent-view.js';
import {
  addApiUser,
  listApiUsers,
  removeApiUser,
} from '../collector/people/api-users.js';
import { revokeAgent } from '../collector/people/revoke.js';
import { ROLES } from '../collector/people/roles.js';
import type { CollectorStore } from '../collector/store/store.js';

/**
 * `vigil collector agents|revoke|user …`: the admin's local commands on the
 * store of a data directory, which work while the collector runs. Each
 * change is written to the collector's audit log as "local:<os user>".
 */
export function registerAdminCommands(collector: Command): void {
  registerAgentAdmin(collector);
  registerUserCommands(collector);
}

/** Who a local admin command records as its actor. */
function localActor(): string {
  return `local:${userInfo().username}`;
}

/** Runs `fn` on the store of `--data`, closing it afterwards. */
function withStore<T>(data: string, fn: (store: CollectorStore) => T): T {
  const store = openStore(loadDataDir(resolve(data)).dir);
  try {
    return fn(store);
  } finally {
    store.close();
  }
}

function registerAgentAdmin(collector: Command): void {
  collector
    .command('agents')
    .description('list enrolled agents')
    .requiredOption('--data <dir>', 'collector data directory')
    .option('--json', 'print a JSON array')
    .action((opts: { data: string; json?: boolean }) => {
      const agents = withStore(opts.data, (store) =>
        store
          .listAgents()
          .map((a) => toAgentView(a, a.revoked_at ? 'revoked' : 'ok')),
      );
      if (opts.json) return console.log(JSON.stringify(agents, null, 2));
      if (agents.length === 0) console.log('no agents enrolled');
      for (const a of agents) {
        const state = a.revokedAt ? `revoked ${a.revokedAt}` : 'enrolled';
        console.log(
          `${a.id} vendor ${a.vendor} host ${a.host}: ${state}; ` +
            `last seen ${a.lastSeen ?? 'never'}, seq ${a.lastSeq}`,
        );
      }
    });

  collector
    .command('revoke')
    .description("revoke an agent's certificate: its next request is refused")
    .requiredOption('--data <dir>', 'collector data directory')
    .requiredOption('--agent <id>', 'agent id (see: vigil collector agents)')
    .option('--reason <text>', 'why, kept in the audit log')
    .action((opts: { data: string; agent: string; reason?: string }) => {
      const { agent, changed } = withStore(opts.data, (store) =>
        revokeAgent(store, {
          agent: opts.agent,
          ...(opts.reason ? { reason: opts.reason } : {}),
          by: localActor(),
        }),
      );
      console.log(
        changed
          ? `agent ${agent.id} revoked at ${agent.revoked_at}; the collector ` +
              'refuses its next request'
          : `agent ${agent.id} was already revoked at ${agent.revoked_at}`,
      );
    });
}

function registerUserCommands(collector: Command): void {
  const user = collector
    .command('user')
    .description("people's API users: admin, analyst or auditor");
  user
    .command('add')
    .description('add a user and print its API token, once')
    .requiredOption('--data <dir>', 'collector data directory')
    .requiredOption('--name <name>', 'who the token belongs to')
    .requiredOption('--role <role>', ROLES.join(' | '))
    .option('--json', 'print {"user", "token"}')
    .action(
      (opts: { data: string; name: string; role: string; json?: boolean }) => {
        const added = withStore(opts.data, (store) =>
          addApiUser(store, {
            name: opts.name,
            role: opts.role,
            by: localActor(),
          }),
        );
        if (opts.json) return console.log(JSON.stringify(added));
        console.log(`user ${added.user.name} (${added.user.role}) added`);
        console.log(`token: ${added.token}`);
        console.log(
          'this token is shown once; the collector keeps only its SHA-256',
        );
      },
    );
  user
    .command('list')
    .description('list users and their roles')
    .requiredOption('--data <dir>', 'collector data directory')
    .option('--json', 'print a JSON array')
    .action((opts: { data: string; json?: boolean }) => {
      const users = withStore(opts.data, listApiUsers);
      if (opts.json) return console.log(JSON.stringify(users, null, 2));
      if (users.length === 0) console.log('no users');
      for (const u of users) {
        const state = u.disabledAt ? `removed ${u.disabledAt}` : 'active';
        console.log(`${u.name} ${u.role} ${state} (added by ${u.createdBy})`);
      }
    });
  user
    .command('remove')
    .description("disable a user's token for good")
    .requiredOption('--data <dir>', 'collector data directory')
    .requiredOption('--name <name>', 'the user')
    .action((opts: { data: string; name: string }) => {
      const removed = withStore(opts.data, (store) =>
        removeApiUser(store, opts.name, localActor()),
      );
      console.log(`user ${removed.name} removed at ${removed.disabledAt}`);
    });
}
