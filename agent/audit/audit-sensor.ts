import type { CapturedEvent } from '../../protocol/event.js';
import { AUDIT_LOG_FILE, auditAvailable } from './availability.js';
import { AuditError } from './errors.js';
import { LogTailer } from './log-tailer.js';
import { AuditPipeline, type PipelineStats } from './pipeline.js';
import { ResumeLedger } from './resume-ledger.js';
import { installRules, removeRules } from './rules.js';

export { AUDIT_LOG_FILE, auditAvailable } from './availability.js';

/** A group without EOE is complete after this long (kernel writes at once). */
export const AUDIT_FLUSH_MS = 500;
/** How often the log is polled for new lines. */
export const AUDIT_POLL_MS = 200;
/** Chunks read per poll before yielding to the event loop (1 MiB each). */
const MAX_CHUNKS_PER_POLL = 16;

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
   * it the error is thrown from the timer.
   */
  onError?: (error: Error) => void;
}

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
  private state: 'new' | 'running' | 'stopped' | 'failed' = 'new';
  private timer: NodeJS.Timeout | undefined;

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
        onEvent(event);
        this.ledger.handedOn(group.eventKey, group.lastOffset);
      },
    );
  }

  /** Counters since start: records, events, malformed, skipped. */
  get stats(): AuditSensorStats {
    return this.pipeline.stats;
  }

  /** Resumes from the checkpoint (or the log's end), installs rules, tails. */
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
    const checkpoint = this.ledger.load();
    const resumed = this.tailer.open(checkpoint);
    if (checkpoint !== undefined && !resumed) this.reportRotatedAway();
    this.ledger.begin(checkpoint, resumed);
    this.writeCheckpoint();
    await installRules(this.options.paths, this.options.key);
    this.state = 'running';
    this.schedule();
  }

  /**
   * Reads what the log holds, hands on every open group, saves the
   * checkpoint, then removes the rules. `keepRules` leaves them in the
   * kernel so that accesses during a restart are logged for the next start.
   * After a failure nothing is handed on or saved.
   */
  async stop(options: { keepRules?: boolean } = {}): Promise<void> {
    if (this.state === 'new' || this.state === 'stopped') return;
    const failed = this.state === 'failed';
    this.state = 'stopped';
    clearTimeout(this.timer);
    if (!failed) {
      try {
        while (this.readStep()) {
          // drain what the log already holds
        }
        this.pipeline.flushAll();
        this.options.beforeFinalCheckpoint?.();
        this.writeCheckpoint();
      } finally {
        this.tailer.close();
      }
    }
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

  /** Handles one tailer step; false when there was nothing to read. */
  private readStep(): boolean {
    const step = this.tailer.read();
    switch (step.kind) {
      case 'idle':
        return false;
      case 'next-file':
        // Groups never span files: what the old file left open is complete.
        this.pipeline.flushAll();
        this.ledger.nextFile();
        return true;
      case 'lines':
        for (const line of step.lines) {
          this.pipeline.line(line.text, line.offset);
        }
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
    const open = this.pipeline.oldestPendingOffset();
    this.ledger.save(this.tailer.position(), open);
  }

  private reportRotatedAway(): void {
    this.onEvent({
      time: new Date().toISOString(),
      source: 'agent',
      action: 'events.dropped',
      outcome: 'failed',
      user: null,
      process: null,
      detail: {
        sensor: 'audit',
        reason: 'the audit log rotated past the checkpoint while stopped',
      },
    });
  }

  private fail(error: Error): void {
    this.state = 'failed';
    this.tailer.close();
    if (this.options.onError === undefined) throw error;
    this.options.onError(error);
  }
}
