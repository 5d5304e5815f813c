import type { ChildProcess } from 'node:child_process';
import {
  mkdirSync,
  mkdtempSync,
  rmSync,
  writeFileSync,
  chmodSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { removeRules } from '../../agent/audit/rules.js';
import { AUDIT_KEY } from '../../agent/run.js';
import { AGENT_ENV, AGENT_NODE_FLAGS } from '../../agent/node-flags.js';
import type { AccessEvent } from '../../protocol/event.js';
import { freePort, stopDaemon, vigil, vigilDaemon } from './vigil-cli.js';

/**
 * A collector and an agent as separate `vigil` processes on this machine,
 * the way an operator runs them, in a fresh temp folder.
 */
export interface Deployment {
  root: string;
  /** The collector's policy directory. */
  policies: string;
  dataDir: string;
  stateDir: string;
  url: string;
  collector: ChildProcess | undefined;
  agent: ChildProcess | undefined;
  startCollector(): Promise<void>;
  startAgent(): Promise<void>;
  storedEvents(): AccessEvent[];
  close(): Promise<void>;
}

export async function deploy(options: {
  policy: (root: string) => string;
  watch: (root: string) => string[];
  maxWait?: string;
  /** Extra lines of agent YAML config. */
  config?: string;
}): Promise<Deployment> {
  const root = mkdtempSync(join(tmpdir(), 'vigil-e2e-'));
  chmodSync(root, 0o755);
  const policies = join(root, 'policies');
  mkdirSync(policies);
  writeFileSync(join(policies, 'policy.yaml'), options.policy(root));
  const dataDir = join(root, 'collector');
  const stateDir = join(root, 'agent');
  const config = join(root, 'agent.yaml');
  const init = vigil(['collector', 'init', '--data', dataDir]);
  if (init.status !== 0) throw new Error(init.stderr);
  const port = await freePort();
  const url = `https://127.0.0.1:${port}`;

  const d: Deployment = {
    root,
    policies,
    dataDir,
    stateDir,
    url,
    collector: undefined,
    agent: undefined,
    async startCollector() {
      const args = [
        'collector',
        'serve',
        '--data',
        dataDir,
        '--listen',
        `127.0.0.1:${port}`,
      ];
      d.collector = (
        await vigilDaemon([...args, '--policies', policies], (l) =>
          l.includes('collector listening'),
        )
      ).child;
    },
    async startAgent() {
      d.agent =
        // As its systemd unit starts it: the agent's node flags and env.
        (
          await vigilDaemon(
            ['agent', 'run', '--config', config],
            (l) => l.includes('agent running'),
            undefined,
            { flags: AGENT_NODE_FLAGS, env: AGENT_ENV },
          )
        ).child;
    },
    storedEvents() {
      const db = new Database(join(dataDir, 'store.db'), { readonly: true });
      try {
        const rows = db
          .prepare('SELECT canonical FROM events ORDER BY agent, seq')
          .all() as { canonical: string }[];
        return rows.map((r) => JSON.parse(r.canonical) as AccessEvent);
      } finally {
        db.close();
      }
    },
    async close() {
      await stopDaemon(d.agent);
      await stopDaemon(d.collector);
      // A stopped agent leaves its rules for its next start; this one is gone.
      await removeRules(AUDIT_KEY);
      rmSync(root, { recursive: true, force: true });
    },
  };
  await d.startCollector();
  const token = JSON.parse(
    vigil([
      'collector',
      'token',
      '--data',
      dataDir,
      '--vendor',
      'acme-sub',
      '--json',
    ]).stdout,
  ) as {
    token: string;
    caFingerprint: string;
  };
  const enrolled = vigil([
    'agent',
    'enroll',
    '--collector',
    url,
    '--token',
    token.token,
    '--ca-fingerprint',
    token.caFingerprint,
    '--state',
    stateDir,
  ]);
  if (enrolled.status !== 0) throw new Error(enrolled.stderr);
  const watch = options.watch(root);
  for (const path of watch) mkdirSync(path, { recursive: true, mode: 0o777 });
  writeFileSync(
    config,
    `collector: ${url}\nstate: ${stateDir}\nwatch: [${watch.join(', ')}]\n` +
      `batch: { max_wait: ${options.maxWait ?? '200ms'} }\n${options.config ?? ''}`,
  );
  return d;
}
