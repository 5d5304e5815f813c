import { existsSync } from 'node:fs';
import type { CapturedEvent } from '../../protocol/event.js';
import { auditMeta } from './meta-event.js';
import { missingRules, restoreRules } from './rules.js';

/**
 * Finds the sensor's rules gone from the kernel and puts them back. An
 * administrator's `auditctl -D`, a reload of audit.rules (which starts
 * with -D) or the removal of a watched directory (the kernel drops its
 * dir= rule) each leave paths unwatched without a word otherwise.
 */
export class RuleGuard {
  // Paths reported missing that could not be put back: not reported again.
  private unrestored = new Set<string>();

  constructor(
    private readonly paths: readonly string[],
    private readonly key: string,
  ) {}

  /**
   * Lists the rules; for any missing, re-installs those whose path still
   * exists and returns one `sensor.degraded` event naming what was missing.
   * Throws AuditError when auditctl fails.
   */
  async check(): Promise<CapturedEvent | undefined> {
    const missing = await missingRules(this.paths, this.key);
    const fresh = missing.filter((path) => !this.unrestored.has(path));
    const present = missing.filter((path) => existsSync(path));
    const gone = missing.filter((path) => !existsSync(path));
    this.unrestored = new Set(gone);
    if (present.length > 0) await restoreRules(present, this.key);
    if (fresh.length === 0) return undefined;
    const lost = gone.filter((path) => fresh.includes(path));
    return auditMeta('sensor.degraded', {
      reason: 'audit rules removed',
      missing: fresh,
      ...(lost.length > 0 ? { unrestored: lost } : {}),
    });
  }
}
