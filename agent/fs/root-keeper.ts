import { lstat } from 'node:fs/promises';

/** How often each watched root is looked at for appearing or being swapped. */
export const FS_ROOT_CHECK_MS = 1_000;

/** What is at a root now: its inode, or undefined when nothing is there. */
export type RootState = number | undefined;

/**
 * Notices what inotify cannot say about the roots themselves: a designated
 * path created after the agent started, deleted, or swapped for another
 * directory (`mv data.new data`), which leaves a watch on the old inode.
 * One lstat per root per check keeps it far below the CPU budget.
 */
export class RootKeeper {
  private readonly states = new Map<string, RootState>();
  private timer: NodeJS.Timeout | undefined;
  private checking = false;

  constructor(
    private readonly roots: readonly string[],
    private readonly onChange: (root: string, now: RootState) => void,
    private readonly onError: (error: unknown) => void,
    private readonly checkMs = FS_ROOT_CHECK_MS,
  ) {}

  /** Records what is at each root now; returns the roots that exist. */
  async survey(): Promise<string[]> {
    for (const root of this.roots) this.states.set(root, await stateOf(root));
    return this.roots.filter((root) => this.states.get(root) !== undefined);
  }

  start(): void {
    this.timer = setInterval(() => void this.check(), this.checkMs);
    // The watchers keep the agent alive; this timer alone must not.
    this.timer.unref();
  }

  close(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }

  private async check(): Promise<void> {
    if (this.checking) return;
    this.checking = true;
    try {
      for (const root of this.roots) {
        const now = await stateOf(root);
        if (now === this.states.get(root) || !this.timer) continue;
        this.states.set(root, now);
        this.onChange(root, now);
      }
    } catch (error) {
      this.onError(error);
    } finally {
      this.checking = false;
    }
  }
}

async function stateOf(root: string): Promise<RootState> {
  try {
    return (await lstat(root)).ino;
  } catch {
    // Missing or unreadable: either way nothing there can be watched.
    return undefined;
  }
}
