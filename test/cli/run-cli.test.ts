import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Command } from 'commander';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { initDataDir } from '../../collector/data-dir.js';
import { CollectorError } from '../../collector/errors.js';
import { runCli } from '../../cli/run-cli.js';
import { CLI, requireBuild } from '../helpers/vigil-cli.js';

/** What a vendor's machine or a bundle could put in a message. */
const HOSTILE = 'eve\x1b[2J\x1b]0;owned\x07\nvigil: all good\r\u202Efdp.exe';

/** Runs a one-command program that fails with `error`, in this process. */
async function failWith(
  error: Error,
): Promise<{ code: number; stderr: string }> {
  const err: string[] = [];
  const write = vi
    .spyOn(process.stderr, 'write')
    .mockImplementation((chunk: string | Uint8Array) => {
      err.push(String(chunk));
      return true;
    });
  const program = new Command('vigil').exitOverride();
  program.command('fail').action(() => {
    throw error;
  });
  try {
    process.exitCode = undefined;
    await runCli(program, ['node', 'vigil', 'fail']);
    return { code: Number(process.exitCode ?? 0), stderr: err.join('') };
  } finally {
    process.exitCode = undefined;
    write.mockRestore();
  }
}

/**
 * Runs the built `vigil …` with its standard output a pipe whose reader
 * has already gone, as in `vigil … | head -c0`.
 */
function vigilIntoClosedPipe(
  args: string[],
): Promise<{ status: number | null; stderr: string }> {
  const child = spawn(process.execPath, [CLI, ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout.destroy();
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  return new Promise((resolve) => {
    child.once('close', (status) => resolve({ status, stderr }));
  });
}

describe('runCli', () => {
  describe('when an error message holds control characters', () => {
    it('prints the Vigil error on one line, every character visible', async () => {
      const out = await failWith(
        new CollectorError('VIGIL_NOT_FOUND', `no user ${HOSTILE}`),
      );
      expect(out.code).toBe(1);
      expect(out.stderr).toBe(
        'vigil: VIGIL_NOT_FOUND: no user eve\\x1b[2J\\x1b]0;owned\\x07' +
          '\\nvigil: all good\\r[U+202E]fdp.exe\n',
      );
    });

    it('prints an unexpected error with its stack, nothing hidden', async () => {
      const out = await failWith(new TypeError(HOSTILE));
      expect(out.code).toBe(1);
      expect(out.stderr).toMatch(/^vigil: unexpected error: TypeError: eve/);
      expect(out.stderr).toContain('\\x1b[2J');
      expect(out.stderr).toContain('[U+202E]');
      // eslint-disable-next-line no-control-regex -- the point of the test
      expect(out.stderr).not.toMatch(/[\x00-\x09\x0b-\x1f\x7f\u202e]/);
      expect(out.stderr).not.toMatch(/^vigil: all good/m);
    });
  });
});

describe('vigil (built) when the reader of its output has gone', () => {
  let root: string;
  let data: string;

  beforeAll(() => {
    requireBuild();
    root = mkdtempSync(join(tmpdir(), 'vigil-epipe-'));
    data = join(root, 'data');
    initDataDir(data);
  });

  afterAll(() => {
    rmSync(root, { recursive: true, force: true });
  });

  it.each([
    [['report', '--format', 'csv', '--tz', 'UTC']],
    [['report', '--format', 'json', '--tz', 'UTC']],
    [['log', 'checkpoint']],
  ])('vigil %j --data DIR exits 0 without a word', async (args) => {
    const out = await vigilIntoClosedPipe([...args, '--data', data]);
    expect(out.stderr).toBe('');
    expect(out.status).toBe(0);
  });

  it('keeps the failure of a command that had already failed', async () => {
    const out = await vigilIntoClosedPipe([
      'verify',
      join(root, 'missing.json'),
      '--ca',
      join(root, 'missing.pem'),
      '--json',
    ]);
    expect(out.stderr).toBe('');
    expect(out.status).toBe(1);
  });
});
