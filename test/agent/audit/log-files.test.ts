import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { logGeneration, type LogFile } from '../../../agent/audit/log-files.js';

/**
 * Rotates like auditd (num_logs 5) every few milliseconds in a process of
 * its own: drop .4, rename .3 to .4 … the log to .1, create a new log.
 */
const ROTATOR = `
const { existsSync, renameSync, unlinkSync, writeFileSync } = require('node:fs');
const log = process.argv[1];
let n = 0;
function rotate() {
  if (existsSync(log + '.4')) unlinkSync(log + '.4');
  for (let i = 3; i >= 1; i -= 1) {
    if (existsSync(log + '.' + i)) renameSync(log + '.' + i, log + '.' + (i + 1));
  }
  renameSync(log, log + '.1');
  writeFileSync(log, 'type=DAEMON_ROTATE msg=audit(' + n++ + ')\\n');
  setTimeout(rotate, 1);
}
rotate();
`;

let dir: string | undefined;
afterEach(() => {
  if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
  dir = undefined;
});

/** What is wrong with a generation, or undefined when it is whole. */
function flaw(log: string, files: LogFile[]): string | undefined {
  if (files.at(-1)?.path !== log) return 'no live log';
  if (new Set(files.map((f) => f.inode)).size !== files.length) {
    return 'a file twice';
  }
  const rotated = files.slice(0, -1).map((f) => f.path);
  const expected = rotated.map((_, i) => `${log}.${rotated.length - i}`);
  if (rotated.join() !== expected.join()) return 'a gap';
  return undefined;
}

describe('logGeneration', () => {
  describe('while auditd renames the logs of a rotation', () => {
    it('lists each file once, in order, with the live log', async () => {
      dir = mkdtempSync(join(tmpdir(), 'vigil-gen-'));
      const log = join(dir, 'audit.log');
      writeFileSync(log, 'first\n');
      const rotator = spawn(process.execPath, ['-e', ROTATOR, log], {
        stdio: 'ignore',
      });
      const flaws = new Map<string, number>();
      let rotations = 0;
      let live: number | undefined;
      try {
        await new Promise((resolve) => setTimeout(resolve, 200));
        const end = Date.now() + 1500;
        while (Date.now() < end) {
          const files = logGeneration(log);
          const wrong = flaw(log, files);
          if (wrong !== undefined)
            flaws.set(wrong, (flaws.get(wrong) ?? 0) + 1);
          else {
            if (live !== undefined && live !== files.at(-1)!.inode)
              rotations += 1;
            live = files.at(-1)!.inode;
          }
        }
      } finally {
        rotator.kill();
      }
      expect(Object.fromEntries(flaws)).toEqual({});
      expect(rotations).toBeGreaterThan(50); // it did rotate under the scans
    });
  });

  describe('when a rotated log was deleted by hand', () => {
    it('lists what is there once it stops changing', () => {
      dir = mkdtempSync(join(tmpdir(), 'vigil-gen-'));
      const log = join(dir, 'audit.log');
      for (const name of ['audit.log', 'audit.log.1', 'audit.log.2']) {
        writeFileSync(join(dir, name), name);
      }
      writeFileSync(`${log}.3`, '3');
      unlinkSync(`${log}.2`);
      expect(logGeneration(log).map((f) => f.path)).toEqual([`${log}.1`, log]);
    });
  });
});
