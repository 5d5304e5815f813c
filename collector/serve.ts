import type { Logger } from 'pino';
import { CollectorError } from './errors.js';
import { loadDataDir, openStore } from './data-dir.js';
import {
  Ingest,
  type FlaggedViolation,
  type IntegrityNotice,
} from './ingest/ingest.js';
import { openingKeys } from './ingest/open-batch.js';
import { OpenPool } from './ingest/open-pool.js';
import { buildServer } from './api/server.js';
import type { ForwardConfig } from './forward/forward-config.js';
import { collectorMetrics } from './forward/forward-metrics.js';
import { openForwarding } from './forward/forwarding.js';
import { readPolicySources, sameSources } from './policy/policy-files.js';
import { PolicySet } from './policy/policy-set.js';
import { observeBatches } from './watchdog/batch-observer.js';
import { Watchdog } from './watchdog/watchdog.js';
import {
  watchdogOptions,
  type WatchdogOptions,
} from './watchdog/watchdog-options.js';

export interface ServeOptions {
  dataDir: string;
  listen: string;
  policiesDir: string;
  logger: Logger;
  onViolation?: (violation: FlaggedViolation) => void;
  onIntegrity?: (notice: IntegrityNotice) => void;
  /** Intervals and bounds of the watchdogs; each defaults (watchdog-options.ts). */
  watchdog?: Partial<WatchdogOptions>;
  /** SIEM forwarding (docs/forwarding.md); none when absent. */
  forward?: ForwardConfig;
  /**
   * Worker threads that open batches (decrypt, check, hash, sign) beside
   * the thread that writes the store; 0 or absent opens them on that
   * thread. Needs the compiled build: the workers run dist's JavaScript.
   */
  ingestWorkers?: number;
}

export interface RunningCollector {
  url: string;
  app: ReturnType<typeof buildServer>;
  watchdog: Watchdog;
  reloadPolicies(): void;
  /** Settles once every ingest worker has compiled the policies in force. */
  policiesCompiled(): Promise<void>;
  close(): Promise<void>;
}

/**
 * Starts the collector: data dir, store, policies, ingest watched by the
 * watchdogs, metrics and the HTTPS API. A policy reload that fails keeps
 * the policies in force.
 */
export async function serveCollector(
  options: ServeOptions,
): Promise<RunningCollector> {
  const { host, port } = parseListen(options.listen);
  const identity = loadDataDir(options.dataDir);
  const store = openStore(options.dataDir);
  let policies = PolicySet.load(options.policiesDir);
  const log = options.logger;
  log.info({ policies: policies.policies.length }, 'policies loaded');
  const watchdog = new Watchdog({
    store,
    options: watchdogOptions(options.watchdog),
    logger: log.child({ component: 'watchdog' }),
  });
  const pool = options.ingestWorkers
    ? new OpenPool(openingKeys(identity), options.ingestWorkers)
    : undefined;
  // Workers compile each set they are sent; a reload waits for none of it.
  let compiled = pool?.usePolicies(policies) ?? Promise.resolve();
  const ingest = new Ingest({
    store,
    identity,
    ...(pool ? { pool } : {}),
    policies: () => policies,
    ...(options.onViolation ? { onViolation: options.onViolation } : {}),
    ...(options.onIntegrity ? { onIntegrity: options.onIntegrity } : {}),
  });
  const agentState = watchdog.stateOf.bind(watchdog);
  const forwarding = options.forward
    ? openForwarding({
        dataDir: options.dataDir,
        config: options.forward,
        logger: log.child({ component: 'forward' }),
      })
    : undefined;
  const app = buildServer({
    identity,
    store,
    ingest: observeBatches(ingest, store, (b) => watchdog.observe(b), log),
    logger: log,
    designated: (vendor) => policies.pathsForVendor(vendor),
    metrics: collectorMetrics({ store, agentState }, forwarding?.metrics),
    agentState,
  });
  await app.listen({ host, port });
  watchdog.start();
  forwarding?.start();
  const address = app.server.address();
  const bound = typeof address === 'object' && address ? address.port : port;
  return {
    url: `https://${host.includes(':') ? `[${host}]` : host}:${bound}`,
    app,
    watchdog,
    reloadPolicies() {
      try {
        // Files read again unchanged are not compiled again (a second or
        // so for a thousand policies, on the thread that stores).
        const sources = readPolicySources(options.policiesDir);
        const changed = !sameSources(sources, policies.sources);
        if (changed) {
          policies = PolicySet.fromSources(sources);
          compiled = pool?.usePolicies(policies) ?? Promise.resolve();
        }
        const count = policies.policies.length;
        log.info({ policies: count, changed }, 'policies reloaded');
      } catch (error) {
        log.error(
          { err: error },
          'policy reload failed; keeping the policies in force',
        );
      }
    },
    policiesCompiled() {
      return compiled;
    },
    async close() {
      watchdog.stop();
      await forwarding?.close();
      await app.close();
      await pool?.close();
      store.close();
    },
  };
}

/** "HOST:PORT", "[::1]:PORT", or ":PORT" for 127.0.0.1. */
export function parseListen(listen: string): { host: string; port: number } {
  const match = /^(?:\[([^\]]+)\]|([^:]*)):(\d{1,5})$/.exec(listen);
  const port = match ? Number(match[3]) : NaN;
  if (!match || port > 65535) {
    throw new CollectorError(
      'VIGIL_LISTEN_INVALID',
      `--listen: "${listen.slice(0, 80)}" is not HOST:PORT (e.g. 127.0.0.1:8443)`,
    );
  }
  return { host: match[1] ?? (match[2] || '127.0.0.1'), port };
}
