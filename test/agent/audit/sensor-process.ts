import { execFileSync, spawn } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { AuditSensorOptions } from '../../../agent/audit/audit-sensor.js';
import type { CapturedEvent } from '../../../protocol/event.js';

const REPO_ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const CHILD = 'test/agent/audit/sensor-child';
/** How long a child may take to start its sensor. */
const START_TIMEOUT_MS = 15_000;

/**
 * Compiles sensor-child.ts and everything it imports into `outDir` as
 * plain ESM (this Node cannot run TypeScript); returns the script to run.
 */
export function buildSensorChild(outDir: string): string {
  const tsc = join(REPO_ROOT, 'node_modules/typescript/bin/tsc');
  execFileSync(process.execPath, [
    tsc,
    ...['--target', 'ES2022', '--module', 'NodeNext'],
    ...['--moduleResolution', 'NodeNext', '--types', 'node'],
    ...['--strict', '--skipLibCheck', '--rootDir', REPO_ROOT],
    ...['--outDir', outDir],
    join(REPO_ROOT, `${CHILD}.ts`),
  ]);
  writeFileSync(join(outDir, 'package.json'), '{"type":"module"}\n');
  return join(outDir, `${CHILD}.js`);
}

export interface SensorProcess {
  /** The node process running the sensor (not strace, when traced). */
  pid: number;
  exited: Promise<void>;
}

/**
 * Starts the compiled child with `options`, appending events to `outFile`;
 * under strace writing to `traceFile` when given. Resolves once it said
 * "ready".
 */
export function startSensorProcess(
  script: string,
  options: AuditSensorOptions,
  outFile: string,
  traceFile?: string,
): Promise<SensorProcess> {
  const node = [process.execPath, script, JSON.stringify(options), outFile];
  const [command, ...args] =
    traceFile === undefined
      ? node
      : ['strace', '-f', '-qq', '-o', traceFile, '-e', TRACED, ...node];
  const child = spawn(command ?? '', args, {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const exited = new Promise<void>((resolve) =>
    child.once('exit', () => resolve()),
  );
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error('the sensor process did not start'));
    }, START_TIMEOUT_MS);
    let text = '';
    child.stdout.on('data', (chunk: Buffer) => {
      text += chunk.toString();
      const ready = /^ready (\d+)$/m.exec(text);
      if (ready === null) return;
      clearTimeout(timer);
      resolve({ pid: Number(ready[1]), exited });
    });
    void exited.then(() => reject(new Error('the sensor process exited')));
  });
}

/** The syscalls a checkpoint write is made of. */
const TRACED =
  'trace=openat,write,fsync,fdatasync,close,rename,renameat,renameat2';

export const HAVE_STRACE = ['/usr/bin/strace', '/bin/strace'].some((file) =>
  existsSync(file),
);

/** The events a child wrote, one JSON line each. */
export function eventsIn(outFile: string): CapturedEvent[] {
  if (!existsSync(outFile)) return [];
  const lines = readFileSync(outFile, 'utf8').split('\n');
  // A child killed in the middle of a write leaves a cut last line: that
  // event was not delivered, as a batch not yet in the spool is not.
  lines.pop();
  return lines
    .filter((line) => line !== '')
    .map((line) => JSON.parse(line) as CapturedEvent);
}
