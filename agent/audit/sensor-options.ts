import type { CapturedEvent } from '../../protocol/event.js';
import type { AuditStatus } from './audit-status.js';

/** A group without EOE is complete after this long (kernel writes at once). */
export const AUDIT_FLUSH_MS = 500;
/** How often the log is polled for new lines. */
export const AUDIT_POLL_MS = 200;
/** How often the rules and the kernel's lost counter are checked. */
export const AUDIT_RULE_CHECK_MS = 10_000;

export interface AuditSensorOptions {
  /** Absolute watched roots, files or directories. */
  paths: string[];
  /** Audit rule key, e.g. "vigil". */
  key: string;
  /** Where the read position is saved. */
  checkpointFile: string;
  /** Default AUDIT_LOG_FILE. */
  logFile?: string;
  /** Default AUDIT_FLUSH_MS. */
  flushMs?: number;
  /** Default AUDIT_POLL_MS. */
  pollMs?: number;
  /** Default AUDIT_RULE_CHECK_MS. */
  ruleCheckMs?: number;
  /** Reads the kernel's audit status; default `auditctl -s`. For tests. */
  statusReader?: () => Promise<AuditStatus>;
  /**
   * Default true. When false the checkpoint moves only on saveCheckpoint()
   * and at stop: for a caller that holds handed-on events in memory (a
   * batch not yet sealed) and must not let the read position pass them.
   */
  autoCheckpoint?: boolean;
  /**
   * Called by stop() once every open group was handed on, just before the
   * final checkpoint is saved: make those events durable here.
   */
  beforeFinalCheckpoint?: () => void;
  /**
   * Called when reading stops for good because onEvent or the checkpoint
   * write threw; the checkpoint stays before the group that failed. Without
   * it the error is thrown from the timer. Rule and lost-counter checks
   * that cannot run do not stop the sensor: they become sensor.degraded.
   */
  onError?: (error: Error) => void;
  /**
   * Answers whether an access event is already durable on the caller's
   * side. The checkpoint is saved after events are handed on, so a kill
   * between the two leaves events the next start reads again; it asks
   * this about each event logged before it started and skips those that
   * are. Without it they are handed on again: at least once, not exactly.
   */
  isDelivered?: (event: CapturedEvent) => boolean;
}
