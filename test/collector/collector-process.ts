import type { ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadDataDir } from '../../collector/data-dir.js';
import {
  freePort,
  requireBuild,
  stopDaemon,
  vigil,
  vigilDaemon,
} from '../helpers/vigil-cli.js';
import { enrollSender, type Sender } from './ingest-senders.js';

/** `vigil collector serve` as its own process, restartable on one port. */
export interface CollectorProcess {
  root: string;
  dataDir: string;
  policies: string;
  url: string;
  child: ChildProcess | undefined;
  /** Every stderr line of every run, in order. */
  log: string[];
  start(): Promise<void>;
  /** SIGKILL, then wait for the process to be gone. */
  kill9(): Promise<void>;
  stop(): Promise<void>;
  enroll(name: string): Promise<Sender>;
  close(): Promise<void>;
}

/** Initializes a collector data dir in a temp folder and starts serving. */
export async function startCollectorProcess(
  policyYaml: string,
): Promise<CollectorProcess> {
  requireBuild();
  const root = mkdtempSync(join(tmpdir(), 'vigil-proc-'));
  const dataDir = join(root, 'collector');
  const policies = join(root, 'policies');
  mkdirSync(policies);
  writeFileSync(join(policies, 'policy.yaml'), policyYaml);
  const init = vigil(['collector', 'init', '--data', dataDir]);
  if (init.status !== 0) throw new Error(init.stderr);
  const port = await freePort();
  const listen = ['--listen', `127.0.0.1:${port}`, '--policies', policies];
  const p: CollectorProcess = {
    root,
    dataDir,
    policies,
    url: `https://127.0.0.1:${port}`,
    child: undefined,
    log: [],
    async start() {
      const started = await vigilDaemon(
        ['collector', 'serve', '--data', dataDir, ...listen],
        (line) => line.includes('collector listening'),
      );
      p.child = started.child;
      p.log.push(...started.log);
      started.child.stderr!.on('data', (chunk: Buffer) => {
        p.log.push(...chunk.toString('utf8').split('\n').filter(Boolean));
      });
    },
    async kill9() {
      const child = p.child!;
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGKILL');
      await exited;
    },
    stop: () => stopDaemon(p.child),
    enroll: (name) =>
      enrollSender(
        p.url,
        dataDir,
        loadDataDir(dataDir).caFingerprint,
        join(root, name),
      ),
    async close() {
      await stopDaemon(p.child);
      rmSync(root, { recursive: true, force: true });
    },
  };
  await p.start();
  return p;
}
