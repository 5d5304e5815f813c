import type { Stats } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';
import type { CapturedEvent } from '../../protocol/event.js';
import { ChangeTracker } from './change-tracker.js';
import { DirRescan, type Missed } from './dir-rescan.js';
import { FsError } from './errors.js';
import { degradedEvent } from './fs-event.js';
import { RootKeeper, type RootState } from './root-keeper.js';
import { RootWatchers } from './root-watchers.js';
import { SettleQueue } from './settle-queue.js';
import { WatchCoverage } from './watch-coverage.js';

export { FS_HASH_MAX_BYTES } from './file-snapshot.js';
export { FS_RENAME_PAIR_MS } from './change-tracker.js';

/** A path is read once no change was seen there for this long. */
export const FS_STABLE_MS = 200;
/** A file written without pause is still reported at least this often. */
export const FS_SETTLE_MAX_MS = 5_000;
/** Watch failures within this window become one `sensor.degraded`. */
const DEGRADED_GATHER_MS = 1_000;

export interface FsSensorOptions {
  /** Absolute roots (files or directories). */
  paths: string[];
  /** Stability wait for writes in progress, default FS_STABLE_MS. */
  stableMs?: number;
  /** Told of each counted error, e.g. to log it; must not throw. */
  onError?: (error: unknown) => void;
}

/**
 * The file sensor (DESIGN section 5): changes under the watched roots
 * become `source: 'fs'` events with size, mode, owner, inode and sha256.
 * It cannot see reads or who acted (`user` and `process` are null), and
 * reports paths it cannot watch as `sensor.degraded`. Roots that do not
 * exist yet are watched once they appear.
 */
export class FsSensor {
  private readonly counters = { events: 0, errors: 0 };
  private readonly queue: SettleQueue;
  private readonly tracker: ChangeTracker;
  private readonly coverage: WatchCoverage;
  private readonly rescan: DirRescan;
  private readonly watchers: RootWatchers;
  private readonly keeper: RootKeeper;
  private ready = false;
  private state: 'new' | 'started' | 'stopped' = 'new';

  constructor(
    private readonly options: FsSensorOptions,
    private readonly onEvent: (event: CapturedEvent) => void,
  ) {
    const roots = [...new Set(options.paths.map(checkRoot))];
    const stableMs = options.stableMs ?? FS_STABLE_MS;
    const countError = (error: unknown): void => this.countError(error);
    this.queue = new SettleQueue(stableMs, FS_SETTLE_MAX_MS, (path, first) =>
      this.tracker.settle(path, first),
    );
    this.tracker = new ChangeTracker({
      emit: (event) => this.emit(event),
      // A fresh window: the file is still being written.
      retry: (path) => this.queue.touch(path),
      cancel: (path) => this.queue.cancel(path),
      error: countError,
    });
    this.coverage = new WatchCoverage(DEGRADED_GATHER_MS, (reason, count) =>
      this.emit(degradedEvent(reason, count, Date.now())),
    );
    this.rescan = new DirRescan(
      () => this.watchers.tree(),
      (missed) => this.takeMissed(missed),
      countError,
    );
    this.watchers = new RootWatchers({
      change: (...args) => this.guard(() => this.onChange(...args)),
      // Raw events may name what chokidar drops: count them as changes.
      raw: (path) => this.guard(() => this.ready && this.queue.touch(path)),
      error: (error) =>
        this.guard(() => this.coverage.note(error) || this.countError(error)),
    });
    this.keeper = new RootKeeper(
      roots,
      (root, now) => this.guard(() => this.onRootChange(root, now)),
      countError,
    );
  }

  /** Events handed on, errors counted, paths whose watch failed. */
  get stats(): { events: number; errors: number; unwatched: number } {
    return { ...this.counters, unwatched: this.coverage.unwatched };
  }

  /** Watches the roots; resolves once existing files have been taken in. */
  async start(): Promise<void> {
    if (this.state !== 'new') {
      throw new FsError('VIGIL_FS_SENSOR_STATE', 'start: sensor already used');
    }
    this.state = 'started';
    const present = await this.keeper.survey();
    if (this.state !== 'started') return;
    await Promise.all(present.map((root) => this.watchers.watch(root, true)));
    this.ready = true;
    this.coverage.flush();
    // A stop() while the roots were being listed has closed everything.
    if (this.state === 'started') this.keeper.start();
  }

  /** Stops watching, then reports what was still settling. */
  async stop(): Promise<void> {
    if (this.state === 'stopped') return;
    this.state = 'stopped';
    this.keeper.close();
    this.rescan.close();
    await this.watchers.closeAll();
    await this.queue.close();
    this.tracker.flushDeletes();
    this.tracker.close();
    this.coverage.flush();
  }

  private onChange(
    name: string,
    path: string,
    stats: Stats | undefined,
    initial: boolean,
  ): void {
    switch (name) {
      case 'add':
        if (initial && stats) return this.tracker.baseline(path, stats);
        return this.queue.touch(path);
      case 'change':
      case 'unlink':
        return this.queue.touch(path);
      case 'addDir':
        if (!initial) this.rescan.schedule(path);
        return;
      case 'unlinkDir':
        // chokidar reports the files it tracked; with watches missing, look
        // at the others too (a scan of the index, so only then).
        if (this.coverage.unwatched > 0) this.touchUnder(path);
        return;
    }
  }

  /** A root appeared, vanished or was swapped: look again from scratch. */
  private onRootChange(root: string, now: RootState): void {
    this.touchUnder(root);
    this.queue.touch(root);
    const rewatch = async (): Promise<void> => {
      await this.watchers.unwatch(root);
      if (now !== undefined && this.state === 'started') {
        await this.watchers.watch(root, false);
      }
    };
    rewatch().catch((error: unknown) => this.countError(error));
  }

  private touchUnder(dir: string): void {
    for (const known of this.tracker.under(dir)) this.queue.touch(known);
  }

  private takeMissed(missed: Missed): void {
    // A missed file's directory is watched: its next change is seen anyway.
    for (const file of missed.files) this.queue.touch(file);
    // A missed directory is not: hand it to the watcher, which lists it.
    if (this.state === 'started') this.watchers.add(missed.dirs);
  }

  private emit(event: CapturedEvent): void {
    try {
      this.onEvent(event);
      this.counters.events += 1;
    } catch (error) {
      this.countError(error);
    }
  }

  /** chokidar callbacks must never throw: count and carry on. */
  private guard(step: () => unknown): void {
    try {
      step();
    } catch (error) {
      this.countError(error);
    }
  }

  private countError(error: unknown): void {
    this.counters.errors += 1;
    try {
      this.options.onError?.(error);
    } catch {
      // A failing error sink must not stop the sensor.
    }
  }
}

function checkRoot(path: string): string {
  if (typeof path !== 'string' || !isAbsolute(path)) {
    throw new FsError('VIGIL_FS_PATH_INVALID', 'paths: each must be absolute');
  }
  return resolve(path);
}
