import { hostname } from 'node:os';
import type { Logger } from 'pino';
import type { AgentRef, CapturedEvent, MetaAction } from '../protocol/event.js';
import { AuditSensor, auditAvailable } from './audit/audit-sensor.js';
import type { AgentConfig } from './config.js';
import { Batcher } from './ship/batcher.js';
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
  /**
   * Stops capture and ships what it can. Audit rules stay in the kernel
   * unless `removeRules`, so accesses during a restart are still logged and
   * collected by the next start.
   */
  stop(options?: { removeRules?: boolean }): Promise<void>;
}

/**
 * Wires the agent's path: sensors → batcher (chain, sign, seal) → spool →
 * shipper. Every start, stop and heartbeat is itself a signed event.
 */
export async function runAgent(
  config: AgentConfig,
  logger: Logger,
): Promise<RunningAgent> {
  const state = loadAgentState(config.state);
  const agent: AgentRef = {
    id: state.identity.agentId,
    vendor: state.identity.vendor,
    host: state.identity.host || hostname(),
  };
  const log = logger.child({ agent: agent.id });
  const spool = new Spool(state.spoolFile);
  const shipper = new Shipper({
    collector: config.collector.replace(/\/+$/, ''),
    spool,
    agentId: agent.id,
    tls: {
      certPem: state.certPem,
      privateKeyPem: state.privateKeyPem,
      caPem: state.caPem,
    },
    signingCertPem: state.signingCertPem,
    logger: log,
  });
  let sensor: AuditSensor | undefined;
  const batcher = new Batcher({
    spool,
    agent,
    privateKeyPem: state.privateKeyPem,
    sealingCertPem: state.sealingCertPem,
    maxEvents: config.batch.maxEvents,
    maxWaitMs: config.batch.maxWaitMs,
    maxSpoolBytes: config.spool.maxBytes,
    onSealed: () => {
      // Everything the sensor handed over is now in the spool, so its read
      // position may move past it.
      sensor?.saveCheckpoint();
      shipper.wake();
    },
  });
  const meta = (action: MetaAction, detail: Record<string, unknown>) =>
    batcher.push(metaEvent(action, detail));

  meta('agent.start', { pid: process.pid, watch: config.watch });
  shipper.start();
  const sensors = await startSensors();
  const heartbeat = setInterval(() => {
    meta('heartbeat', {
      sensors,
      coverage: config.watch,
      spool: spool.depth(),
    });
  }, config.heartbeatMs);
  log.info({ sensors, watch: config.watch }, 'agent running');

  async function startSensors(): Promise<string[]> {
    if (!config.sensors.audit) return [];
    const available = await auditAvailable();
    if (!available.ok) {
      log.warn({ reason: available.reason }, 'audit sensor unavailable');
      meta('sensor.degraded', { sensor: 'audit', reason: available.reason });
      return [];
    }
    sensor = new AuditSensor(
      {
        paths: config.watch,
        key: AUDIT_KEY,
        checkpointFile: state.auditCheckpointFile,
      },
      (event: CapturedEvent) => batcher.push(event),
    );
    await sensor.start();
    return ['audit'];
  }

  return {
    agent,
    sensors,
    async stop(options = {}) {
      clearInterval(heartbeat);
      await sensor?.stop({ keepRules: options.removeRules !== true });
      meta('agent.stop', { pid: process.pid });
      batcher.flush();
      await shipper.stop(STOP_DRAIN_MS);
      spool.close();
      log.info('agent stopped');
    },
  };
}

function metaEvent(
  action: MetaAction,
  detail: Record<string, unknown>,
): CapturedEvent {
  return {
    time: new Date().toISOString(),
    source: 'agent',
    action,
    outcome: 'success',
    user: null,
    process: null,
    detail,
  };
}
