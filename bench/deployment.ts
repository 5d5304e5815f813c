import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { AGENT_ENV, AGENT_NODE_FLAGS } from '../agent/node-flags.js';
import {
  chmodSync,
  mkdirSync,
  mkdtempSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { join, resolve } from 'node:path';
import { auditctl } from '../agent/audit/auditctl.js';
import { listRules } from '../agent/audit/rules.js';
import { AUDIT_KEY } from '../agent/run.js';

/** The built CLI, beside this file's folder in dist/. */
const CLI = resolve(import.meta.dirname, '..', 'cli', 'main.js');
const READY_TIMEOUT_MS = 60_000;

/**
 * A collector and an agent as separate `vigil` processes of the built
 * CLI, set up the way an operator does (init, serve, token, enroll, run),
 * in a fresh folder under `scratch`.
 */
export interface Deployment {
  root: string;
  dataDir: string;
  agentPid: number;
  collectorPid: number;
  /** Stops both, removes this agent's audit rules and the folder. */
  close(): Promise<void>;
}

export async function deploy(options: {
  scratch: string;
  /** YAML of the collector's one policy, given the deployment's root. */
  policy: (root: string) => string;
  /** Folders the agent watches (created), given the root. */
  watch: (root: string) => string[];
  /** Called after the folders exist, before the agent starts. */
  prepare?: (root: string) => void;
}): Promise<Deployment> {
  const root = mkdtempSync(join(options.scratch, 'deploy-'));
  chmodSync(root, 0o755);
  const dataDir = join(root, 'collector');
  const policies = join(root, 'policies');
  mkdirSync(policies);
  writeFileSync(join(policies, 'policy.yaml'), options.policy(root));
  vigil(['collector', 'init', '--data', dataDir]);
  const children: ChildProcess[] = [];
  let agentPid = 0;
  const close = async () => {
    for (const child of children.reverse()) await stopDaemon(child);
    if (agentPid !== 0) await removeRulesOf(agentPid);
    rmSync(root, { recursive: true, force: true });
  };
  try {
    const collector = await daemon(
      ['collector', 'serve', '--data', dataDir, '--listen', '127.0.0.1:0'],
      ['--policies', policies],
      /"url":"(https:[^"]+)"/,
    );
    children.push(collector.child);
    const url = collector.match;
    const { token, caFingerprint } = JSON.parse(
      vigil([
        'collector',
        'token',
        '--data',
        dataDir,
        '--vendor',
        'acme',
        '--json',
      ]),
    ) as { token: string; caFingerprint: string };
    const stateDir = join(root, 'agent');
    vigil(
      ['agent', 'enroll', '--collector', url, '--token', token].concat([
        '--ca-fingerprint',
        caFingerprint,
        '--state',
        stateDir,
      ]),
    );
    const watch = options.watch(root);
    for (const dir of watch) mkdirSync(dir, { recursive: true, mode: 0o777 });
    options.prepare?.(root);
    const config = join(root, 'agent.yaml');
    writeFileSync(
      config,
      `collector: ${url}\nstate: ${stateDir}\nwatch: [${watch.join(', ')}]\n`,
    );
    const agent = await daemon(
      ['agent', 'run', '--config', config],
      [],
      /"msg":"(agent running)"/,
      { flags: AGENT_NODE_FLAGS, env: AGENT_ENV },
    );
    children.push(agent.child);
    agentPid = agent.child.pid ?? 0;
    return {
      root,
      dataDir,
      agentPid,
      collectorPid: collector.child.pid ?? 0,
      close,
    };
  } catch (error) {
    await close();
    throw error;
  }
}

/** Runs `vigil …` to completion; its stdout, or throws with its stderr. */
function vigil(args: string[]): string {
  const result = spawnSync(process.execPath, [CLI, ...args], {
    encoding: 'utf8',
    timeout: READY_TIMEOUT_MS,
  });
  if (result.status !== 0) {
    throw new Error(
      `vigil ${args[0]} ${args[1]} failed: ${result.stderr.slice(0, 500)}`,
    );
  }
  return result.stdout;
}

/** Starts a long-running `vigil …`; resolves with the first log match. */
function daemon(
  args: string[],
  more: string[],
  ready: RegExp,
  node: { flags: readonly string[]; env: Record<string, string> } = {
    flags: [],
    env: {},
  },
): Promise<{ child: ChildProcess; match: string }> {
  // The agent runs as its systemd unit starts it (agent/node-flags.ts).
  const child = spawn(
    process.execPath,
    [...node.flags, CLI, ...args, ...more],
    {
      stdio: ['ignore', 'ignore', 'pipe'],
      env: { ...process.env, ...node.env },
    },
  );
  return new Promise((resolvePromise, reject) => {
    let log = '';
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(
        new Error(`vigil ${args.join(' ')}: not ready: ${log.slice(-500)}`),
      );
    }, READY_TIMEOUT_MS);
    const onData = (chunk: Buffer) => {
      log += chunk.toString('utf8');
      const match = ready.exec(log);
      if (match) {
        clearTimeout(timer);
        child.stderr?.off('data', onData);
        child.stderr?.resume(); // keep draining, or a full pipe blocks it
        resolvePromise({ child, match: match[1] ?? '' });
      }
    };
    child.stderr?.on('data', onData);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(
        new Error(`vigil ${args.join(' ')} exited ${code}: ${log.slice(-500)}`),
      );
    });
  });
}

async function stopDaemon(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((r) => child.once('exit', r));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
  await exited;
  clearTimeout(timer);
}

/**
 * Removes the audit rules of the agent with `pid`, and only those: every
 * rule an agent installs excludes its own pid, so other agents' rules under
 * the same key (an e2e test running meanwhile) stay.
 */
export async function removeRulesOf(pid: number): Promise<void> {
  const mine = (await listRules(AUDIT_KEY)).filter((rule) =>
    rule.includes(` -F pid!=${pid} `),
  );
  for (const rule of mine) {
    // "-a always,exit -S all -F dir=… -F perm=… -F pid!=… -F key=…"
    const [head = '', ...fields] = rule.split(' -F ');
    const action = head.split(' ')[1] ?? 'always,exit';
    const spec = fields.flatMap((f) =>
      f.startsWith('key=') ? ['-k', f.slice(4)] : ['-F', f],
    );
    await auditctl(['-d', action, ...spec]);
  }
}
