import type { CapturedEvent } from '../../protocol/event.js';
import { auditStatus, tuneKernel } from './audit-status.js';
import { AUDIT_LOG_FILE, auditAvailable } from './availability.js';
import type { AuditGroup } from './correlator.js';
import { AuditError } from './errors.js';
import { KernelWatch } from './kernel-watch.js';
import { LogTailer, TAIL_CHUNK_BYTES } from './log-tailer.js';
import { auditMeta } from './meta-event.js';
import { AuditPipeline, type PipelineStats } from './pipeline.js';
import { ResumeLedger } from './resume-ledger.js';
import { installRules, removeRules } from './rules.js';
import {
  AUDIT_FLUSH_MS,
  AUDIT_POLL_MS,
  AUDIT_RULE_CHECK_MS,
  type AuditSensorOptions,
} from './sensor-options.js';

export { AUDIT_LOG_FILE, auditAvailable } from './availability.js';
export {
  AUDIT_FLUSH_MS,
  AUDIT_POLL_MS,
  AUDIT_RULE_CHECK_MS,
  type AuditSensorOptions,
} from './sensor-options.js';

/** Chunks read per poll before yielding to the event loop: 16 MiB. */
const MAX_CHUNKS_PER_POLL = (16 << 20) / TAIL_CHUNK_BYTES;

export type AuditSensorStats = PipelineStats;

/**
 * Turns the Linux audit log into access events (DESIGN section 5). Installs
 * watch rules under its key, reads the log from a checkpoint, and hands each
 * event to `onEvent`, which must persist it before returning.
 */
export class AuditSensor {
  private readonly logFile: string;
  private readonly tailer: LogTailer;
  private readonly ledger: ResumeLedger;
  private readonly pipeline: AuditPipeline;
  private readonly kernel: KernelWatch;
  private state: 'new' | 'running' | 'stopping' | 'stopped' | 'failed' = 'new';
  private timer: NodeJS.Timeout | undefined;
  /** Events logged up to this time may have been handed on before. */
  private startedAtMs = 0;

  constructor(
    private readonly options: AuditSensorOptions,
    private readonly onEvent: (event: CapturedEvent) => void,
  ) {
    this.logFile = options.logFile ?? AUDIT_LOG_FILE;
    this.tailer = new LogTailer(this.logFile);
    this.ledger = new ResumeLedger(options.checkpointFile);
    this.pipeline = new AuditPipeline(
      {
        key: options.key,
        roots: options.paths,
        flushMs: options.flushMs ?? AUDIT_FLUSH_MS,
        skipGroup: (group) => this.ledger.seenBefore(group.eventKey),
      },
      (event, group) => {
        if (this.owed(event, group)) onEvent(event);
        this.ledger.handedOn(group.eventKey, group.lastOffset);
      },
    );
    this.kernel = new KernelWatch(
      {
        paths: options.paths,
        key: options.key,
        checkMs: options.ruleCheckMs ?? AUDIT_RULE_CHECK_MS,
        readStatus: options.statusReader ?? auditStatus,
      },
      (event) => this.handMeta(event),
    );
  }

  /** Counters since start: records, events, malformed, skipped. */
  get stats(): AuditSensorStats {
    return this.pipeline.stats;
  }

  /** Accesses read from the log and not yet handed on. */
  get holding(): number {
    return this.pipeline.pendingGroups;
  }

  /**
   * Resumes from the checkpoint (or the log's end), tunes the kernel's
   * queue, installs rules, reports losses since the last run, then tails
   * the log and checks the rules every `ruleCheckMs`.
   */
  async start(): Promise<void> {
    if (this.state !== 'new') {
      throw new AuditError(
        'VIGIL_AUDIT_SENSOR_STATE',
        'sensor already started',
      );
    }
    const available = await auditAvailable(this.logFile);
    if (!available.ok) {
      throw new AuditError('VIGIL_AUDIT_UNAVAILABLE', available.reason);
    }
    this.startedAtMs = Date.now();
    const checkpoint = this.ledger.load();
    const resumed = this.tailer.open(checkpoint);
    try {
      if (checkpoint !== undefined && !resumed) this.reportRotatedAway();
      this.ledger.begin(checkpoint, resumed);
      this.writeCheckpoint();
      await tuneKernel();
      await installRules(this.options.paths, this.options.key);
      await this.kernel.begin(checkpoint?.lost);
    } catch (error) {
      this.tailer.close();
      throw error;
    }
    this.state = 'running';
    this.schedule();
    this.kernel.start();
  }

  /**
   * Reads what the log holds, hands on every open group and any loss the
   * kernel counted, saves the checkpoint, then removes the rules.
   * `keepRules` leaves them in the kernel so that accesses during a restart
   * are logged for the next start. After a failure nothing is handed on.
   */
  async stop(options: { keepRules?: boolean } = {}): Promise<void> {
    if (this.state !== 'running' && this.state !== 'failed') return;
    if (this.state === 'running') this.state = 'stopping';
    clearTimeout(this.timer);
    await this.kernel.stop(); // a check under way may still hand on
    if (this.state === 'stopping') {
      try {
        while (this.readStep()) {
          // drain what the log already holds
        }
        this.pipeline.flushAll();
        await this.finalLossCheck();
        this.options.beforeFinalCheckpoint?.();
        this.writeCheckpoint();
      } finally {
        this.state = 'stopped';
        this.tailer.close();
      }
    }
    this.state = 'stopped';
    // Accesses after the save are logged past the checkpoint: not lost.
    if (options.keepRules !== true) await removeRules(this.options.key);
  }

  private schedule(): void {
    this.timer = setTimeout(
      () => this.poll(),
      this.options.pollMs ?? AUDIT_POLL_MS,
    );
  }

  private poll(): void {
    if (this.state !== 'running') return;
    try {
      for (let i = 0; i < MAX_CHUNKS_PER_POLL && this.readStep(); i += 1) {
        // each step handles one chunk of lines or one file change
      }
      this.pipeline.flushIdle();
      if (this.options.autoCheckpoint !== false) this.writeCheckpoint();
    } catch (error) {
      this.fail(error as Error);
      return;
    }
    this.schedule();
  }

  /** Whether an event is to be handed on, or was already. */
  private owed(event: CapturedEvent, group: AuditGroup): boolean {
    // The rules exclude this process; while a restart swaps them, the old
    // rules (excluding the old pid) briefly do not.
    if (event.process?.pid === process.pid) return false;
    const replayed = group.timeMs <= this.startedAtMs;
    return !(replayed && this.options.isDelivered?.(event) === true);
  }

  /** Handles one tailer step; false when there was nothing to read. */
  private readStep(): boolean {
    const step = this.tailer.read();
    switch (step.kind) {
      case 'idle':
        return false;
      case 'next-file':
        // Open groups stay open: auditd may rotate between two records of
        // one event, leaving the rest of it at the top of the next file.
        return true;
      case 'lines':
        for (const line of step.lines) this.pipeline.line(line.text, line.at);
        return true;
    }
  }

  /**
   * Saves the read position: never past a group not yet handed on. With
   * `autoCheckpoint: false`, call it once every handed-on event is durable.
   */
  saveCheckpoint(): void {
    if (this.state === 'running') this.writeCheckpoint();
  }

  private writeCheckpoint(): void {
    const reached = this.tailer.reached();
    const from = Math.min(
      this.pipeline.oldestPendingOffset() ?? reached,
      reached,
    );
    this.ledger.save(this.tailer.positionAt(from), from, this.kernel.mark);
  }

  private async finalLossCheck(): Promise<void> {
    let event: CapturedEvent | undefined;
    try {
      event = await this.kernel.finalCheck();
    } catch {
      return; // the saved mark stays behind: the next start reports it
    }
    if (event !== undefined) this.onEvent(event);
  }

  private reportRotatedAway(): void {
    this.onEvent(
      auditMeta('events.dropped', {
        reason: 'the audit log rotated past the checkpoint while stopped',
      }),
    );
  }

  /**
   * Hands on a finding of the kernel watch. While starting, a failure
   * fails start(); later it stops the sensor like a failed poll does.
   */
  private handMeta(event: CapturedEvent): void {
    if (this.state === 'new') {
      this.onEvent(event);
      return;
    }
    if (this.state !== 'running' && this.state !== 'stopping') return;
    try {
      this.onEvent(event);
    } catch (error) {
      try {
        this.fail(error as Error);
      } catch (unhandled) {
        // No onError: thrown from a timer, as a failed poll's error is.
        setImmediate(() => {
          throw unhandled;
        });
      }
    }
  }

  private fail(error: Error): void {
    this.state = 'failed';
    clearTimeout(this.timer);
    void this.kernel.stop();
    this.tailer.close();
    if (this.options.onError === undefined) throw error;
    this.options.onError(error);
  }
}
