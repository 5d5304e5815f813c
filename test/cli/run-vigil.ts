import { format } from 'node:util';
import { Command } from 'commander';
import { vi } from 'vitest';
import { registerCollectorCommands } from '../../cli/collector.js';
import { runCli } from '../../cli/run-cli.js';
import { registerViolationsCommands } from '../../cli/violations.js';
import { registerLogCommands } from '../../cli/log.js';
import { registerReportCommand } from '../../cli/report.js';

/**
 * Runs `vigil …` in this process, as cli/main.ts wires it, and returns
 * what it printed and its exit code. In process, so a test can talk to a
 * collector it started itself without a build.
 */
export async function runVigil(
  args: string[],
): Promise<{ code: number; stdout: string; stderr: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const log = vi
    .spyOn(console, 'log')
    .mockImplementation((...parts: unknown[]) => {
      out.push(format(...parts) + '\n');
    });
  const write = vi
    .spyOn(process.stderr, 'write')
    .mockImplementation((chunk: string | Uint8Array) => {
      err.push(String(chunk));
      return true;
    });
  const stdout = vi
    .spyOn(process.stdout, 'write')
    .mockImplementation((chunk: string | Uint8Array) => {
      out.push(String(chunk));
      return true;
    });
  const program = new Command('vigil').exitOverride();
  registerCollectorCommands(program);
  registerViolationsCommands(program);
  registerLogCommands(program);
  registerReportCommand(program);
  try {
    process.exitCode = undefined;
    await runCli(program, ['node', 'vigil', ...args]);
    return {
      code: Number(process.exitCode ?? 0),
      stdout: out.join(''),
      stderr: err.join(''),
    };
  } finally {
    process.exitCode = undefined;
    log.mockRestore();
    write.mockRestore();
    stdout.mockRestore();
  }
}
