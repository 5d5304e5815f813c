import { createHash } from 'node:crypto';
import { mkdtempSync, realpathSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FsSensor, type FsSensorOptions } from '../../../agent/fs/fs-sensor.js';
import type { CapturedEvent } from '../../../protocol/event.js';

/** Short stability wait keeps tests quick; correctness must not need more. */
export const TEST_STABLE_MS = 100;
/** Generous: a loaded 2-core machine may take seconds to deliver. */
const WAIT_TIMEOUT_MS = 10_000;
const POLL_MS = 25;

/** A fresh directory under the system temp dir, without symlinks in it. */
export function tempDir(prefix = 'vigil-fs-'): string {
  return realpathSync(mkdtempSync(join(tmpdir(), prefix)));
}

export function removeDir(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
}

export function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

/** Polls until `check` holds; fails naming `what` after a timeout. */
export async function waitFor(
  check: () => boolean,
  what: string,
  timeoutMs = WAIT_TIMEOUT_MS,
): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await sleep(POLL_MS);
  }
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** A started sensor and every event it handed on. */
export class Recorder {
  readonly events: CapturedEvent[] = [];
  readonly sensor: FsSensor;

  constructor(options: FsSensorOptions) {
    this.sensor = new FsSensor(
      { stableMs: TEST_STABLE_MS, ...options },
      (event) => this.events.push(event),
    );
  }

  static async start(options: FsSensorOptions): Promise<Recorder> {
    const recorder = new Recorder(options);
    await recorder.sensor.start();
    return recorder;
  }

  /** Events of `action` at `path` (as path or, for renames, as target). */
  at(action: string, path: string): CapturedEvent[] {
    return this.events.filter(
      (e) => e.action === action && (e.path === path || e.target === path),
    );
  }

  /** Events that name `path` at all. */
  about(path: string): CapturedEvent[] {
    return this.events.filter((e) => e.path === path || e.target === path);
  }

  /** Waits until `count` events of `action` at `path` were seen. */
  async waitFor(action: string, path: string, count = 1): Promise<void> {
    await waitFor(
      () => this.at(action, path).length >= count,
      `${count} ${action} of ${path}; saw ${this.describe()}`,
    );
  }

  /** Waits until nothing new arrived for a while, then returns. */
  async quiet(ms = 900): Promise<void> {
    let seen = -1;
    while (seen !== this.events.length) {
      seen = this.events.length;
      await sleep(ms);
    }
  }

  describe(): string {
    const lines = this.events.map((e) => `${e.action} ${e.path ?? ''}`);
    return `[${lines.join(', ')}]`;
  }
}
