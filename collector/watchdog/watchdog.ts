import ms from 'ms';
import type { Logger } from 'pino';
import type { AccessEvent } from '../../protocol/event.js';
import type { AgentState } from '../people/agent-view.js';
import { resolveBySystem, type Actor } from '../people/triage.js';
import type { AgentRow, CollectorStore, WatchRow } from '../store/store.js';
import { ClockWatch, type BatchTimes } from './clock-watch.js';
import {
  coverageFinding,
  dropFinding,
  WATCH_SEVERITY,
  type Finding,
} from './findings.js';
import type { WatchdogOptions } from './watchdog-options.js';

/** The policy id watchdog violations carry; no policy file defines it. */
export const WATCHDOG_POLICY = 'vigil.watchdog';
/** Who closes a watchdog violation when its condition clears. */
export const WATCHDOG_ACTOR: Actor = { name: 'watchdog', role: 'system' };

/** A batch just committed, as the watchdog needs it. */
export interface BatchSeen extends BatchTimes {
  /** The batch's events of source "agent" (heartbeats, losses, …). */
  metaEvents: AccessEvent[];
}

export interface WatchdogDeps {
  store: CollectorStore;
  options: WatchdogOptions;
  logger: Logger;
  now?: () => Date;
}

/**
 * The collector's watchdogs (DESIGN section 6). Each condition raises one
 * violation when it starts to hold and resolves it, as "watchdog", when it
 * clears; `watchdog_open` in the store remembers which hold across
 * restarts. Batches are judged as they commit, silence on a timer.
 */
export class Watchdog {
  private readonly clock: ClockWatch;
  private readonly startedAt: number;
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly deps: WatchdogDeps) {
    const { clockSkewMs, clockConfirmMs } = deps.options;
    this.clock = new ClockWatch({
      skewMs: clockSkewMs,
      confirmMs: clockConfirmMs,
    });
    this.startedAt = this.now().getTime();
  }

  start(): void {
    this.timer ??= setInterval(() => this.safeTick(), this.deps.options.tickMs);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }

  /** Judges a committed batch: it ends silence and may carry findings. */
  observe(batch: BatchSeen): void {
    const findings: (Finding | undefined)[] = [
      {
        watch: 'agent.silent',
        holds: false,
        seq: batch.seq,
        reason: `a batch up to seq ${batch.seq} arrived at ${batch.receivedAt}`,
      },
      coverageFinding(batch.metaEvents),
      dropFinding(batch.metaEvents),
      this.clock.judge(batch),
    ];
    for (const finding of findings) {
      if (finding) this.apply(batch.agent, finding);
    }
  }

  /** Checks every agent for silence; closes what a revocation ended. */
  tick(): void {
    const holding = this.deps.store.listWatches();
    for (const agent of this.deps.store.listAgents()) {
      if (agent.revoked_at) {
        const open = holding.filter((w) => w.agent === agent.id);
        this.closeAll(agent.id, open, `agent revoked at ${agent.revoked_at}`);
        continue;
      }
      const silent = this.stateOf(agent) === 'silent';
      const heard = agent.last_seen ?? `enrollment at ${agent.enrolled_at}`;
      this.apply(agent.id, {
        watch: 'agent.silent',
        holds: silent,
        seq: agent.last_seq,
        reason: silent
          ? `no batch or heartbeat since ${heard} (more than ` +
            `${ms(this.deps.options.silentAfterMs)})`
          : `heard from at ${heard}`,
      });
    }
  }

  // A busy or failing store must not end the process from a timer: the
  // next tick tries again.
  private safeTick(): void {
    try {
      this.tick();
    } catch (error) {
      this.deps.logger.error({ err: error }, 'watchdog tick failed');
    }
  }

  /**
   * ok, silent or revoked. An agent is not blamed for the collector's own
   * downtime: silence counts from the later of its last batch and the
   * watchdog's start.
   */
  stateOf(agent: AgentRow): AgentState {
    if (agent.revoked_at) return 'revoked';
    const heard = Date.parse(agent.last_seen ?? agent.enrolled_at);
    const since = Math.max(heard, this.startedAt);
    return this.now().getTime() - since > this.deps.options.silentAfterMs
      ? 'silent'
      : 'ok';
  }

  private closeAll(agent: string, open: WatchRow[], reason: string): void {
    this.clock.forget(agent);
    for (const watch of open) {
      this.apply(agent, {
        watch: watch.watch as Finding['watch'],
        holds: false,
        seq: 0,
        reason,
      });
    }
  }

  private apply(agent: string, finding: Finding): void {
    const { store } = this.deps;
    // Most findings confirm what is known; only a change takes the write lock.
    const known = store.getWatch(agent, finding.watch) !== undefined;
    if (known === finding.holds) return;
    const now = this.now();
    const changed = store.transaction(() => {
      const open = store.getWatch(agent, finding.watch);
      if (finding.holds && !open) return this.raise(agent, finding, now);
      if (!finding.holds && open) {
        store.closeWatch(agent, finding.watch);
        resolveBySystem(
          store,
          open.violation,
          WATCHDOG_ACTOR,
          `condition cleared: ${finding.reason}`,
          now,
        );
        return open.violation;
      }
      return undefined;
    });
    if (changed === undefined) return;
    const log = this.deps.logger.child({ agent });
    const fields = { watch: finding.watch, violation: changed };
    if (finding.holds) log.warn(fields, 'watchdog raised a violation');
    else log.info(fields, 'watchdog condition cleared');
  }

  private raise(agent: string, finding: Finding, now: Date): number {
    const { store } = this.deps;
    const at = now.toISOString();
    const id = store.insertViolation({
      agent,
      seq: finding.seq,
      policy: WATCHDOG_POLICY,
      rule: finding.watch,
      kind: finding.watch,
      severity: WATCH_SEVERITY[finding.watch],
      reason: `${finding.watch}: ${finding.reason}`,
      policy_hash: '',
      compliance: '[]',
      created_at: at,
    });
    store.openWatch({ agent, watch: finding.watch, violation: id, since: at });
    return id;
  }

  private now(): Date {
    return this.deps.now?.() ?? new Date();
  }
}
