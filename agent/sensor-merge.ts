import type { CapturedEvent } from '../protocol/event.js';

/**
 * How long a file-sensor event waits for the audit sensor to report the
 * same change. The audit sensor hands a change on within about a second
 * (its group flush), the file sensor after its quiet period; either may come
 * first.
 */
export const SENSOR_MERGE_HOLD_MS = 3_000;

/** Actions both sensors can see: the file sensor cannot see reads. */
const CHANGES = new Set(['create', 'write', 'delete', 'rename', 'truncate']);

/**
 * With both sensors on, one access is one event: the audit sensor's, which
 * knows who and which process. A file-sensor event is held briefly and
 * dropped when the audit sensor reports a change of the same path; if none
 * comes, it is passed on (the audit sensor missed it, for example because
 * the kernel dropped the record).
 */
export class SensorMerge {
  private readonly seenByAudit = new Map<string, number>();
  private readonly held = new Map<CapturedEvent, NodeJS.Timeout>();
  merged = 0;

  constructor(
    private readonly push: (event: CapturedEvent) => void,
    private readonly holdMs = SENSOR_MERGE_HOLD_MS,
  ) {}

  /** File-sensor events held back. */
  get holding(): number {
    return this.held.size;
  }

  fromAudit(event: CapturedEvent): void {
    if (CHANGES.has(event.action)) {
      const names = namesOf(event);
      for (const path of names) this.seenByAudit.set(path, Date.now());
      for (const [held, timer] of this.held) {
        if (namesOf(held).some((p) => names.includes(p))) {
          clearTimeout(timer);
          this.held.delete(held);
          this.merged += 1;
        }
      }
    }
    this.push(event);
  }

  fromFs(event: CapturedEvent): void {
    if (event.source !== 'fs') return this.push(event);
    if (this.auditSawRecently(event)) {
      this.merged += 1;
      return;
    }
    const timer = setTimeout(() => {
      this.held.delete(event);
      this.push(event);
    }, this.holdMs);
    this.held.set(event, timer);
  }

  /** Passes on every held event now (at stop). */
  release(): void {
    for (const [event, timer] of this.held) {
      clearTimeout(timer);
      this.push(event);
    }
    this.held.clear();
  }

  private auditSawRecently(event: CapturedEvent): boolean {
    const since = Date.now() - this.holdMs;
    this.forgetBefore(since);
    return namesOf(event).some((p) => (this.seenByAudit.get(p) ?? 0) >= since);
  }

  private forgetBefore(since: number): void {
    for (const [path, at] of this.seenByAudit) {
      if (at < since) this.seenByAudit.delete(path);
    }
  }
}

function namesOf(event: CapturedEvent): string[] {
  return [event.path, event.target].filter((p): p is string => p !== undefined);
}
