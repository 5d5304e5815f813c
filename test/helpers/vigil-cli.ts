import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createServer } from 'node:net';
import { join, resolve } from 'node:path';

export const REPO_ROOT = resolve(import.meta.dirname, '..', '..');
/** The built CLI: `npm test` builds before running vitest. */
export const CLI = join(REPO_ROOT, 'dist', 'cli', 'main.js');

export function requireBuild(): void {
  if (!existsSync(CLI)) {
    throw new Error(
      `${CLI} is missing: run "npm run build" first (npm test does)`,
    );
  }
}

/** Runs `vigil …` to completion and returns its output. */
export function vigil(args: string[]): {
  status: number | null;
  stdout: string;
  stderr: string;
} {
  const result = spawnSync(process.execPath, [CLI, ...args], {
    encoding: 'utf8',
    timeout: 60_000,
  });
  return {
    status: result.status,
    stdout: result.stdout,
    stderr: result.stderr,
  };
}

/** Starts a long-running `vigil …` and resolves once a stderr log line matches. */
export function vigilDaemon(
  args: string[],
  ready: (line: string) => boolean,
  timeoutMs = 30_000,
  node: { flags?: readonly string[]; env?: Record<string, string> } = {},
): Promise<{ child: ChildProcess; log: string[] }> {
  const child = spawn(process.execPath, [...(node.flags ?? []), CLI, ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, ...node.env },
  });
  const log: string[] = [];
  return new Promise((resolvePromise, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(
        new Error(`vigil ${args.join(' ')} not ready:\n${log.join('\n')}`),
      );
    }, timeoutMs);
    let buffer = '';
    child.stderr!.on('data', (chunk: Buffer) => {
      buffer += chunk.toString('utf8');
      const lines = buffer.split('\n');
      buffer = lines.pop()!;
      for (const line of lines) {
        log.push(line);
        if (ready(line)) {
          clearTimeout(timer);
          resolvePromise({ child, log });
        }
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(
        new Error(`vigil ${args.join(' ')} exited ${code}:\n${log.join('\n')}`),
      );
    });
  });
}

/** Stops a daemon with SIGTERM and waits for it to exit. */
export async function stopDaemon(
  child: ChildProcess | undefined,
): Promise<void> {
  if (!child || child.exitCode !== null) return;
  const exited = new Promise((r) => child.once('exit', r));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
  await exited;
  clearTimeout(timer);
}

/** A TCP port on 127.0.0.1 that was free a moment ago. */
export function freePort(): Promise<number> {
  return new Promise((resolvePromise, reject) => {
    const server = createServer();
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolvePromise(port));
    });
    server.on('error', reject);
  });
}

/** Polls `check` until it returns a value other than undefined. */
export async function waitFor<T>(
  what: string,
  check: () => T | undefined,
  timeoutMs = 20_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}
