import type { CapturedEvent } from '../../protocol/event.js';
import type { AuditStatus } from './audit-status.js';
import { LossWatch, type LostMark } from './loss-watch.js';
import { auditMeta } from './meta-event.js';
import { RuleGuard } from './rule-guard.js';

export interface KernelWatchOptions {
  paths: readonly string[];
  key: string;
  /** Milliseconds between checks. */
  checkMs: number;
  readStatus: () => Promise<AuditStatus>;
}

/**
 * The sensor's periodic look at the kernel: its lost counter and the
 * sensor's rules. Findings become meta events through `emit`; a check
 * that cannot run is reported once, until one runs again.
 */
export class KernelWatch {
  private readonly losses: LossWatch;
  private readonly guard: RuleGuard;
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private stopped = false;
  private failing = false;

  constructor(
    private readonly options: KernelWatchOptions,
    private readonly emit: (event: CapturedEvent) => void,
  ) {
    this.losses = new LossWatch(options.readStatus);
    this.guard = new RuleGuard(options.paths, options.key);
  }

  /** The lost counter as reported so far, for the checkpoint. */
  get mark(): LostMark | undefined {
    return this.losses.mark;
  }

  /** Reads the counter against a saved mark and reports any rise. */
  async begin(saved: LostMark | undefined): Promise<void> {
    this.hand(await this.losses.begin(saved));
  }

  /** Checks every `checkMs` until stop(). */
  start(): void {
    this.timer = setTimeout(() => {
      this.running = this.check().finally(() => {
        this.running = undefined;
        if (!this.stopped) this.start();
      });
    }, this.options.checkMs);
  }

  /** Ends the checks, waiting for one under way to hand on its findings. */
  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.running;
  }

  /**
   * A last reading of the counter, at stop, so no loss waits for the next
   * start: the `audit.lost` event to hand on, if any. Throws when the
   * kernel cannot be asked; the mark then stays where it was.
   */
  finalCheck(): Promise<CapturedEvent | undefined> {
    return this.losses.check();
  }

  private async check(): Promise<void> {
    try {
      this.hand(await this.losses.check());
      if (!this.stopped) this.hand(await this.guard.check());
      this.failing = false;
    } catch (error) {
      if (!this.failing) {
        this.emit(auditMeta('sensor.degraded', failure(error)));
      }
      this.failing = true;
    }
  }

  private hand(event: CapturedEvent | undefined): void {
    if (event !== undefined) this.emit(event);
  }
}

function failure(error: unknown): Record<string, unknown> {
  const code = (error as { code?: unknown }).code;
  return {
    reason: 'audit rules and lost counter cannot be checked',
    ...(typeof code === 'string' ? { code } : {}),
  };
}
