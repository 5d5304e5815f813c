import ms from 'ms';
import type { Finding } from './findings.js';

/** One delivered batch: when the agent signed it and when it arrived. */
export interface BatchTimes {
  agent: string;
  seq: number;
  checkpointTime: string;
  receivedAt: string;
}

/**
 * agent.clock: compares a batch's checkpoint time (the agent's clock) with
 * its received time (the collector's). A checkpoint from the future can only
 * be a clock ahead. One from the past may also be a batch held back by an
 * outage, so "behind" holds only once every batch for `confirmMs` was late;
 * the first batch on time clears it.
 */
export class ClockWatch {
  /** Received time (ms) of the first of an agent's run of late batches. */
  private readonly lateSince = new Map<string, number>();

  constructor(
    private readonly options: { skewMs: number; confirmMs: number },
  ) {}

  judge(batch: BatchTimes): Finding | undefined {
    const signed = Date.parse(batch.checkpointTime);
    const received = Date.parse(batch.receivedAt);
    if (!Number.isFinite(signed) || !Number.isFinite(received))
      return undefined;
    const skew = signed - received;
    const bound = this.options.skewMs;
    const at = `checkpoint of seq ${batch.seq} signed at ${batch.checkpointTime}`;
    if (skew > bound) {
      this.lateSince.delete(batch.agent);
      return this.finding(
        batch,
        true,
        `${at} by the agent's clock is ${ms(skew)} ahead of the collector's ` +
          `(bound ${ms(bound)})`,
      );
    }
    if (-skew <= bound) {
      this.lateSince.delete(batch.agent);
      return this.finding(batch, false, `${at} is within ${ms(bound)}`);
    }
    const since = this.lateSince.get(batch.agent) ?? received;
    this.lateSince.set(batch.agent, since);
    if (received - since < this.options.confirmMs) return undefined;
    return this.finding(
      batch,
      true,
      `${at} by the agent's clock is ${ms(-skew)} behind the collector's ` +
        `(bound ${ms(bound)}), and every batch for ${ms(received - since)} was`,
    );
  }

  /** Forgets an agent (revoked). */
  forget(agent: string): void {
    this.lateSince.delete(agent);
  }

  private finding(batch: BatchTimes, holds: boolean, reason: string): Finding {
    return { watch: 'agent.clock', holds, seq: batch.seq, reason };
  }
}
