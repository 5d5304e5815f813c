/**
 * Node flags the agent's process runs with (docs/systemd, the footprint
 * bench; docs/performance.md), for DESIGN section 10's idle memory. They
 * are given on the command line: V8 reads them before the first line runs.
 *
 * - `--max-semi-space-size=1`: V8 keeps a young generation of up to
 *   3 × 16 MiB once a burst has grown it; the agent's garbage is small and
 *   short-lived, so 1 MiB semi-spaces cost it little CPU.
 * - `--no-opt --no-sparkplug`: JavaScript runs as bytecode (regular
 *   expressions are still compiled). V8's optimizing and baseline
 *   compilers, about 4 MiB of the node binary once paged in, and the code
 *   they make stay out of memory. The price is CPU under load: about 1.5
 *   times as much at 5,000 accesses a second.
 * - `--expose-gc`: lets the agent collect and compact its heap as soon as
 *   a burst is delivered (agent/idle-trim.ts), instead of keeping the
 *   burst's garbage until V8's own reducer runs, seconds later.
 */
export const AGENT_NODE_FLAGS = [
  '--max-semi-space-size=1',
  '--no-opt',
  '--no-sparkplug',
  '--expose-gc',
] as const;

/**
 * Environment the agent's process runs with, beside its flags. glibc gives
 * each thread that allocates an arena of its own, which keeps what it
 * freed; the agent's work is on one thread, so one arena serves it.
 */
export const AGENT_ENV = { MALLOC_ARENA_MAX: '1' } as const;

/**
 * The agent flags this process was started without: none when node runs
 * as its systemd unit starts it.
 */
export function missingAgentFlags(
  execArgv: readonly string[] = process.execArgv,
): string[] {
  return AGENT_NODE_FLAGS.filter((flag) => !execArgv.includes(flag));
}
