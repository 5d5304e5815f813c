import type { CapturedEvent } from '../../protocol/event.js';
import { Correlator, type AuditGroup } from './correlator.js';
import { AuditError } from './errors.js';
import { parseRecord } from './parse-record.js';
import { PathCache } from './path-cache.js';
import { groupToEvent, isUnderKey } from './to-event.js';
import { UserDb } from './user-db.js';
import { WatchedRoots } from './watched-roots.js';

export interface PipelineStats {
  /** Log records parsed. */
  records: number;
  /** Access events handed on. */
  events: number;
  /** Lines that were no record, and groups missing required fields. */
  malformed: number;
  /** Groups under the key that named no usable file access. */
  skipped: number;
}

export interface PipelineOptions {
  key: string;
  flushMs: number;
  users?: UserDb;
  /** Watched roots; names outside them are traced to the watched path. */
  roots?: readonly string[];
  /** Groups for which this answers true are dropped unread. */
  skipGroup?: (group: AuditGroup) => boolean;
}

/**
 * Log lines in, access events out: parse, group by event, convert. No I/O
 * of its own beyond the user database, so it serves tests and benchmarks.
 */
export class AuditPipeline {
  readonly stats: PipelineStats = {
    records: 0,
    events: 0,
    malformed: 0,
    skipped: 0,
  };
  private readonly correlator: Correlator;
  private readonly users: UserDb;
  private readonly paths = new PathCache();
  private readonly roots: WatchedRoots | undefined;

  constructor(
    private readonly options: PipelineOptions,
    private readonly onEvent: (event: CapturedEvent, group: AuditGroup) => void,
  ) {
    this.users = options.users ?? new UserDb();
    this.roots = options.roots && new WatchedRoots(options.roots);
    this.correlator = new Correlator((group) => this.onGroup(group), {
      flushMs: options.flushMs,
      isForeign: (syscall) => !isUnderKey(syscall, options.key),
    });
  }

  /** One log line that starts at byte `offset` of its file. */
  line(text: string, offset = 0, nowMs = Date.now()): void {
    let record;
    try {
      record = parseRecord(text);
    } catch (error) {
      if (!(error instanceof AuditError)) throw error;
      this.stats.malformed += 1;
      return;
    }
    if (record === undefined) return;
    this.stats.records += 1;
    this.correlator.push(record, offset, nowMs);
  }

  flushIdle(nowMs = Date.now()): void {
    this.correlator.flushIdle(nowMs);
  }

  /** Hands on every open group: the end of the input. */
  flushAll(): void {
    this.correlator.flushAll();
  }

  /** Events whose records are still being gathered. */
  get pendingGroups(): number {
    return this.correlator.pendingCount;
  }

  oldestPendingOffset(): number | undefined {
    return this.correlator.oldestPendingOffset();
  }

  private onGroup(group: AuditGroup): void {
    if (this.options.skipGroup?.(group) === true) return;
    if (group.foreign) return;
    let result;
    try {
      result = groupToEvent(group, {
        key: this.options.key,
        users: this.users,
        paths: this.paths,
        roots: this.roots,
      });
    } catch (error) {
      if (!(error instanceof AuditError)) throw error;
      this.stats.malformed += 1;
      return;
    }
    if (result.status === 'skipped') this.stats.skipped += 1;
    if (result.status !== 'event') return;
    this.onEvent(result.event, group);
    this.stats.events += 1;
  }
}
