import { parseVerifierKey } from '../protocol/signed-note.js';
import { hostname } from 'node:os';
import type { Logger } from 'pino';
import type { AgentRef, MetaAction } from '../protocol/event.js';
import type { AgentConfig } from './config.js';
import {
  checkCollectorHost,
  computeCoverage,
  type Coverage,
} from './coverage.js';
import { compactHeap, IdleTrim } from './idle-trim.js';
import { metaEvent } from './meta-event.js';
import { Sensors } from './sensors.js';
import { auditSource, Batcher } from './ship/batcher.js';
import { CollectorClient } from './ship/collector-client.js';
import { Shipper } from './ship/shipper.js';
import { Spool } from './spool/spool.js';
import { loadAgentState } from './state.js';

/** Audit rule key of every rule the agent installs. */
export const AUDIT_KEY = 'vigil';
/** How long a stopping agent keeps trying to deliver what it spooled. */
const STOP_DRAIN_MS = 5_000;

export interface RunningAgent {
  agent: AgentRef;
  sensors: string[];
  /** Asks the collector for designated paths now and applies a change. */
  refreshCoverage(): Promise<Coverage>;
  /**
   * Stops sensing and ships what it can. Audit rules stay in the kernel
   * unless `removeRules`, so accesses during a restart are still logged and
   * collected by the next start.
   */
  stop(options?: { removeRules?: boolean }): Promise<void>;
}

/**
 * Wires the agent's path: sensors → batcher (chain, sign, seal) → spool →
 * shipper. Every start, stop, heartbeat and change of coverage is itself a
 * signed event.
 */
export async function runAgent(
  config: AgentConfig,
  logger: Logger,
  /** The file `config` was read from, named by config errors. */
  configFile?: string,
): Promise<RunningAgent> {
  await checkCollectorHost(config.collector, undefined, configFile);
  const state = loadAgentState(config.state);
  const agent: AgentRef = {
    id: state.identity.agentId,
    vendor: state.identity.vendor,
    host: state.identity.host || hostname(),
  };
  const log = logger.child({ agent: agent.id });
  const spool = new Spool(state.spoolFile);
  const sealedBeforeStart = spool.lastSealed();
  const client = new CollectorClient(config.collector.replace(/\/+$/, ''), {
    certPem: state.certPem,
    privateKeyPem: state.privateKeyPem,
    caPem: state.caPem,
  });
  const shipper = new Shipper({
    client,
    spool,
    agentId: agent.id,
    signingCertPem: state.signingCertPem,
    logKey: state.logKey === null ? null : parseVerifierKey(state.logKey),
    logger: log,
    onDrained: () => trim.drained(),
  });
  const sensing = new Sensors({
    config: config.sensors,
    auditKey: AUDIT_KEY,
    auditCheckpointFile: state.auditCheckpointFile,
    push: (event) => batcher.push(event),
    flush: () => batcher.flush(),
    isDelivered: (event) => sealedBeforeStart.has(auditSource(event)),
    logger: log,
  });
  const batcher = new Batcher({
    spool,
    agent,
    privateKeyPem: state.privateKeyPem,
    sealingCertPem: state.sealingCertPem,
    maxEvents: config.batch.maxEvents,
    maxWaitMs: config.batch.maxWaitMs,
    maxSpoolBytes: config.spool.maxBytes,
    // Everything the sensor handed over is now in the spool, so its read
    // position may move past it.
    onSealed: () => {
      sensing.sealed();
      shipper.wake();
    },
  });
  const trim = new IdleTrim({
    // Mid-burst the audit sensor always holds the last half second's
    // accesses, so this is true only once a burst is over.
    isDrained: () =>
      sensing.holding === 0 &&
      batcher.holding === 0 &&
      spool.depth().envelopes === 0,
    trim: () => {
      spool.releaseMemory();
      compactHeap();
    },
  });
  const meta = (action: MetaAction, detail: Record<string, unknown>) =>
    batcher.push(metaEvent(action, detail, 'success'));

  meta('agent.start', { pid: process.pid, watch: config.watch });
  shipper.start();
  let coverage = computeCoverage(config.watch, await designated([]));
  const sensors = await sensing.start(coverage.watched);
  // One refresh at a time: a slow sensor restart must not overlap the next.
  let refreshing: Promise<Coverage> | undefined;
  const refreshOnce = () =>
    (refreshing ??= refreshCoverage().finally(() => (refreshing = undefined)));
  const timers = [
    setInterval(() => void refreshOnce(), config.designatedRefreshMs),
    setInterval(() => meta('heartbeat', heartbeat()), config.heartbeatMs),
  ];
  spool.setStatus(heartbeat());
  log.info({ sensors, coverage }, 'agent running');

  /** The collector's designated paths, or `known` when it cannot answer. */
  async function designated(known: string[]): Promise<string[]> {
    try {
      return await client.designatedPaths();
    } catch (error) {
      log.warn(
        { err: error },
        'designated paths unavailable; keeping the last known',
      );
      return known;
    }
  }

  async function refreshCoverage(): Promise<Coverage> {
    const next = computeCoverage(
      config.watch,
      await designated(coverage.designated),
    );
    if (next.watched.join('\n') !== coverage.watched.join('\n')) {
      // Recorded once the new rules are in place, so that every access
      // after this event is covered.
      await sensing.watch(next.watched);
      meta('config.changed', { watched: next.watched, missing: next.missing });
      log.info({ coverage: next }, 'coverage changed');
    }
    coverage = next;
    spool.setStatus(heartbeat());
    return coverage;
  }

  function heartbeat(): Record<string, unknown> {
    return {
      sensors,
      coverage,
      spool: spool.depth(),
      counters: spool.counters(),
    };
  }

  return {
    agent,
    sensors,
    refreshCoverage: refreshOnce,
    async stop(options = {}) {
      timers.forEach(clearInterval);
      trim.stop();
      await refreshing;
      await sensing.stop(options.removeRules === true);
      meta('agent.stop', { pid: process.pid });
      batcher.flush();
      await shipper.stop(STOP_DRAIN_MS);
      await client.close();
      spool.setStatus(heartbeat());
      spool.close();
      log.info('agent stopped');
    },
  };
}
