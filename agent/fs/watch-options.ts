import type { ChokidarOptions } from 'chokidar';

/**
 * How the sensor uses chokidar. It decides what happened by comparing the
 * disk with its own index, so chokidar only has to say where to look.
 */
export const WATCH_OPTIONS: ChokidarOptions = {
  // Existing files are the baseline: taken in silently before 'ready', so a
  // later write to one is a write, not a create.
  ignoreInitial: false,
  // A link may point out of the designated paths; report the link itself.
  followSymlinks: false,
  // `atomic` hides editor swap and backup files (*.swp, *~), which hold
  // copies of watched data; the stability wait merges save sequences.
  atomic: false,
  // Own stability wait instead of awaitWriteFinish, which tracks only size
  // and would hold back delete and rename pairing.
  awaitWriteFinish: false,
  // Permission errors are coverage loss and must be reported, not skipped.
  ignorePermissionErrors: false,
  // inotify; polling would break the agent's idle CPU budget.
  usePolling: false,
};
