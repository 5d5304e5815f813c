/**
 * Node flags the agent's process should run with (docs/systemd,
 * docs/performance.md). V8 keeps a young generation of up to 3 × 16 MiB
 * once a burst of accesses has grown it; the agent's garbage is small and
 * short-lived, so 1 MiB semi-spaces cost it little CPU and keep an idle
 * agent's memory near what it needs. Heap sizes cannot be changed once
 * the process runs, so they are given on the command line.
 */
export const AGENT_NODE_FLAGS = ['--max-semi-space-size=1'] as const;
