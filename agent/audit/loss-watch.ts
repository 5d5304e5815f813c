import { readFileSync } from 'node:fs';
import type { CapturedEvent } from '../../protocol/event.js';
import type { AuditStatus } from './audit-status.js';
import { auditMeta } from './meta-event.js';

/** Where the kernel names the current boot; its counters start at 0. */
const BOOT_ID_FILE = '/proc/sys/kernel/random/boot_id';

/** The kernel's lost counter as last reported, on one boot of the machine. */
export interface LostMark {
  boot: string;
  lost: number;
}

/** How far the counter moved past a mark. */
export interface LostRise {
  count: number;
  total: number;
  /** The counter went down: someone ran `auditctl --reset-lost`. */
  reset: boolean;
}

/**
 * What the kernel lost since `mark`, or undefined when nothing was. A mark
 * of another boot is no baseline: the counter restarted with the machine,
 * and the sensor's rules, never persisted, were not loaded before it ran.
 */
export function lostSince(
  mark: LostMark | undefined,
  now: LostMark,
): LostRise | undefined {
  if (mark === undefined || mark.boot !== now.boot) return undefined;
  if (now.lost > mark.lost) {
    return { count: now.lost - mark.lost, total: now.lost, reset: false };
  }
  // After a reset the counter holds only what was lost since: a floor.
  if (now.lost < mark.lost && now.lost > 0) {
    return { count: now.lost, total: now.lost, reset: true };
  }
  return undefined;
}

/**
 * Follows the kernel's lost counter. Audit serials are shared by every
 * event on the machine, so gaps in them mean nothing; this counter is the
 * kernel's only account of records it dropped (backlog full, rate limit,
 * no memory). It is global: a rise may or may not include our records.
 */
export class LossWatch {
  private last: LostMark | undefined;

  constructor(
    private readonly readStatus: () => Promise<AuditStatus>,
    private readonly boot: string = bootId(),
  ) {}

  /** The mark to save with the checkpoint: everything up to it is reported. */
  get mark(): LostMark | undefined {
    return this.last;
  }

  /** Starts from a saved mark; returns the loss since it, if any. */
  async begin(saved: LostMark | undefined): Promise<CapturedEvent | undefined> {
    this.last = saved;
    return this.check();
  }

  /** Reads the counter; returns an `audit.lost` event when it rose. */
  async check(): Promise<CapturedEvent | undefined> {
    const { lost } = await this.readStatus();
    const now = { boot: this.boot, lost };
    const rise = lostSince(this.last, now);
    this.last = now;
    if (rise === undefined) return undefined;
    return auditMeta('audit.lost', {
      count: rise.count,
      lost_total: rise.total,
      ...(rise.reset ? { counter_reset: true } : {}),
    });
  }
}

/** The kernel's id of this boot, or "" where /proc does not say. */
export function bootId(): string {
  try {
    return readFileSync(BOOT_ID_FILE, 'utf8').trim();
  } catch {
    return '';
  }
}
