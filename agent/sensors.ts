import type { Logger } from 'pino';
import type { CapturedEvent } from '../protocol/event.js';
import { AuditCapture } from './audit-capture.js';
import { auditAvailable } from './audit/audit-sensor.js';
import type { FsSensor } from './fs/fs-sensor.js';
import { metaEvent } from './meta-event.js';
import { SensorMerge } from './sensor-merge.js';

export interface SensorsOptions {
  /** `sensors` of the agent config. */
  config: { audit: boolean; fs: boolean | 'auto' };
  auditKey: string;
  auditCheckpointFile: string;
  /** Hands one event to the batcher. */
  push: (event: CapturedEvent) => void;
  /** Seals what the batcher holds into the spool. */
  flush: () => void;
  /** Whether an event re-read after a crash was already sealed. */
  isDelivered: (event: CapturedEvent) => boolean;
  logger: Logger;
}

/**
 * The agent's sensors over changing coverage: the audit sensor when the
 * kernel's audit path is there, the file sensor when asked for or when it
 * is not (`fs: auto`), and one event per access when both run.
 */
export class Sensors {
  private readonly audit: AuditCapture;
  private readonly merge: SensorMerge;
  private fs: FsSensor | undefined;
  active: string[] = [];

  constructor(private readonly options: SensorsOptions) {
    this.merge = new SensorMerge(options.push);
    this.audit = new AuditCapture({
      key: options.auditKey,
      checkpointFile: options.auditCheckpointFile,
      push: (event) => this.merge.fromAudit(event),
      flush: options.flush,
      isDelivered: options.isDelivered,
      logger: options.logger,
    });
  }

  /** Starts what can run here; returns the names of the sensors started. */
  async start(paths: string[]): Promise<string[]> {
    const { config } = this.options;
    const audit = config.audit ? await auditAvailable() : undefined;
    if (audit && !audit.ok) {
      this.options.logger.warn(
        { reason: audit.reason },
        'audit sensor unavailable',
      );
      this.options.push(
        metaEvent('sensor.degraded', { sensor: 'audit', reason: audit.reason }),
      );
    }
    const useAudit = audit?.ok === true;
    const useFs = config.fs === true || (config.fs === 'auto' && !useAudit);
    this.active = [...(useAudit ? ['audit'] : []), ...(useFs ? ['fs'] : [])];
    await this.watch(paths);
    return this.active;
  }

  /** Applies a new set of watched roots to every running sensor. */
  async watch(paths: string[]): Promise<void> {
    if (this.active.includes('audit')) await this.audit.watch(paths);
    if (this.active.includes('fs')) {
      await this.fs?.stop();
      // chokidar is loaded only when the file sensor runs: an agent on the
      // audit sensor alone does not carry it (DESIGN section 10).
      const { FsSensor } = await import('./fs/fs-sensor.js');
      this.fs = new FsSensor(
        {
          paths,
          onError: (error) =>
            this.options.logger.warn({ err: error }, 'file sensor error'),
        },
        (event) => this.merge.fromFs(event),
      );
      await this.fs.start();
    }
  }

  /** Accesses sensed and not yet handed on. */
  get holding(): number {
    return this.audit.holding + this.merge.holding;
  }

  /** Every event handed on so far is in the spool. */
  sealed(): void {
    this.audit.sealed();
  }

  async stop(removeRules: boolean): Promise<void> {
    await this.fs?.stop();
    this.merge.release();
    await this.audit.stop(removeRules);
  }
}
