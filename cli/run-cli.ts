import { Command, CommanderError } from 'commander';
import { VigilError } from '../protocol/errors.js';
import { printable } from './printable.js';

/** Exit code for a refused or failed command (usage errors exit 2). */
export const EXIT_FAILURE = 1;
export const EXIT_USAGE = 2;

/**
 * Runs the program (built with `exitOverride()`) and turns every Vigil error into one line on stderr with
 * its stable code; anything else is a bug and keeps its stack. Messages can
 * quote what a bundle or a vendor's machine chose, so they are printed
 * through `printable`: no escape sequence or line break reaches the
 * terminal from them.
 */
export async function runCli(program: Command, argv: string[]): Promise<void> {
  try {
    await program.parseAsync(argv);
  } catch (error) {
    process.exitCode = exitCodeOf(error);
  }
}

/**
 * Makes a reader that stops reading end the command quietly: in
 * `vigil report --format csv | head -1` the closed pipe is the reader
 * having read enough, not a failure. Node ignores SIGPIPE, so the write
 * fails with EPIPE instead, an 'error' event that would crash with a stack.
 *
 * The process then exits at once, as a program stopped by SIGPIPE would,
 * since what it still prints has nowhere to go. It exits with the status
 * the command has so far: 0 unless it had already failed (process.exitCode
 * set), so a `set -o pipefail` script does not fail because `head` stopped
 * reading. Other write errors (ENOSPC on a redirected file) still crash.
 */
export function exitQuietlyWhenReaderGoes(): void {
  for (const stream of [process.stdout, process.stderr]) {
    stream.on('error', (error: NodeJS.ErrnoException) => {
      if (error.code !== 'EPIPE') throw error;
      process.exit();
    });
  }
}

function exitCodeOf(error: unknown): number {
  if (error instanceof CommanderError) {
    // commander already printed its message (help, version or usage).
    return error.exitCode === 0 ? 0 : EXIT_USAGE;
  }
  if (error instanceof VigilError) {
    process.stderr.write(`vigil: ${error.code}: ${printable(error.message)}\n`);
    return EXIT_FAILURE;
  }
  process.stderr.write(`vigil: unexpected error: ${stackText(error)}\n`);
  return EXIT_FAILURE;
}

/**
 * The error's stack with every line printable. The stack opens with the
 * message, whose line breaks are shown, not kept: they are not the stack's.
 */
function stackText(error: unknown): string {
  const lines = (text: string) => text.split('\n').map(printable).join('\n');
  if (!(error instanceof Error)) return printable(String(error));
  const head = String(error); // "Name: message", as V8 opens the stack
  const stack = error.stack ?? head;
  return stack.startsWith(head)
    ? printable(head) + lines(stack.slice(head.length))
    : lines(stack);
}
