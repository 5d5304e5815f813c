import type { Logger } from 'pino';
import type { CapturedEvent } from '../protocol/event.js';
import { AuditSensor } from './audit/audit-sensor.js';
import { auditMeta } from './audit/meta-event.js';

export interface AuditCaptureOptions {
  key: string;
  checkpointFile: string;
  /** Hands one event to the batcher (in memory until sealed). */
  push: (event: CapturedEvent) => void;
  /** Seals what the batcher holds into the spool. */
  flush: () => void;
  /** Whether an event re-read after a crash was already sealed. */
  isDelivered: (event: CapturedEvent) => boolean;
  logger: Logger;
}

/**
 * The agent's audit sensor across changes of coverage. A new set of paths
 * restarts the sensor: the old one drains, its events are sealed and its
 * checkpoint saved, and the new one resumes from that checkpoint with the
 * new rules, so nothing logged in between is skipped or read twice.
 */
export class AuditCapture {
  private sensor: AuditSensor | undefined;

  constructor(private readonly options: AuditCaptureOptions) {}

  async watch(paths: string[]): Promise<void> {
    await this.sensor?.stop({ keepRules: true });
    const { key, checkpointFile, push, flush, isDelivered, logger } =
      this.options;
    this.sensor = new AuditSensor(
      {
        paths,
        key,
        checkpointFile,
        // Events wait in the batcher before they are sealed; the read
        // position moves only once they are in the spool (sealed()).
        autoCheckpoint: false,
        beforeFinalCheckpoint: flush,
        isDelivered,
        onError: (error) => {
          logger.error({ err: error }, 'audit sensor stopped');
          push(auditMeta('sensor.degraded', { reason: error.message }));
        },
      },
      (event) => {
        // Every agent's rules share the key, and rules outlive their agent:
        // the log may hold accesses to paths this agent does not watch.
        if (event.source !== 'audit' || watches(paths, event)) push(event);
      },
    );
    await this.sensor.start();
  }

  /** Accesses read from the log and not yet handed on. */
  get holding(): number {
    return this.sensor?.holding ?? 0;
  }

  /** Every event handed on so far is in the spool. */
  sealed(): void {
    this.sensor?.saveCheckpoint();
  }

  async stop(removeRules: boolean): Promise<void> {
    await this.sensor?.stop({ keepRules: !removeRules });
    this.sensor = undefined;
  }
}

/** Whether an event names a path at or below one of `roots`. */
export function watches(roots: string[], event: CapturedEvent): boolean {
  const names = [event.path, event.target].filter((p) => p !== undefined);
  return names.some((name) =>
    roots.some((root) => name === root || name.startsWith(`${root}/`)),
  );
}
