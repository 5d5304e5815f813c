import { Command, CommanderError } from 'commander';
import { VigilError } from '../protocol/errors.js';

/** Exit code for a refused or failed command (usage errors exit 2). */
export const EXIT_FAILURE = 1;
export const EXIT_USAGE = 2;

/**
 * Runs the program (built with `exitOverride()`) and turns every Vigil error into one line on stderr with
 * its stable code; anything else is a bug and keeps its stack.
 */
export async function runCli(program: Command, argv: string[]): Promise<void> {
  try {
    await program.parseAsync(argv);
  } catch (error) {
    process.exitCode = exitCodeOf(error);
  }
}

function exitCodeOf(error: unknown): number {
  if (error instanceof CommanderError) {
    // commander already printed its message (help, version or usage).
    return error.exitCode === 0 ? 0 : EXIT_USAGE;
  }
  if (error instanceof VigilError) {
    process.stderr.write(`vigil: ${error.code}: ${error.message}\n`);
    return EXIT_FAILURE;
  }
  process.stderr.write(
    `vigil: unexpected error: ${(error as Error).stack ?? String(error)}\n`,
  );
  return EXIT_FAILURE;
}
