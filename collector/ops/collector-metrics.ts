import type { IngestResult } from '../ingest/ingest.js';
import { AGENT_STATES, type AgentState } from '../people/agent-view.js';
import { SEVERITIES } from '../policy/types.js';
import type { AgentRow, CollectorStore } from '../store/store.js';
import { WATCHES } from '../watchdog/findings.js';
import {
  Counter,
  Gauge,
  Histogram,
  MetricsRegistry,
  type Sample,
} from './metrics-registry.js';

/** Upper bounds (seconds) of the ingest latency buckets. */
const INGEST_BUCKETS_S = [
  0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10,
];

export interface MetricSources {
  store: CollectorStore;
  agentState: (agent: AgentRow) => AgentState;
}

/**
 * What `GET /metrics` exposes. Counters run since the process started;
 * gauges are read from the store at each scrape. Labels hold codes, states
 * and severities only, never an agent id, so their number stays small.
 */
export class CollectorMetrics {
  private readonly registry = new MetricsRegistry();
  readonly batches = this.registry.add(
    new Counter('vigil_batches_total', 'Batches accepted, by result'),
  );
  readonly events = this.registry.add(
    new Counter('vigil_events_ingested_total', 'Events stored by ingest'),
  );
  readonly flagged = this.registry.add(
    new Counter(
      'vigil_violations_flagged_total',
      'Policy violations written by ingest',
    ),
  );
  readonly rejected = this.registry.add(
    new Counter('vigil_batches_rejected_total', 'Batches refused, by code'),
  );
  readonly refused = this.registry.add(
    new Counter(
      'vigil_requests_refused_total',
      'Requests of any route answered with an error, by code',
    ),
  );
  readonly ingestSeconds = this.registry.add(
    new Histogram(
      'vigil_ingest_duration_seconds',
      'Time to open, verify, store and evaluate one batch',
      INGEST_BUCKETS_S,
    ),
  );

  constructor(sources: MetricSources) {
    const { store } = sources;
    this.registry.add(
      new Gauge(
        'vigil_open_violations',
        'Violations not yet resolved (open or acknowledged), by severity',
        () => openBySeverity(store),
      ),
    );
    this.registry.add(
      new Gauge('vigil_agents', 'Enrolled agents by state', () =>
        agentsByState(store, sources.agentState),
      ),
    );
    this.registry.add(
      new Gauge(
        'vigil_watchdog_conditions',
        'Watchdog conditions holding now, by watch',
        () => watchesHolding(store),
      ),
    );
  }

  batchAccepted(result: IngestResult, seconds: number): void {
    this.batches.inc({ result: result.duplicate ? 'duplicate' : 'stored' });
    this.events.inc({}, result.events);
    this.flagged.inc({}, result.violations);
    this.ingestSeconds.observe(seconds);
  }

  render(): string {
    return this.registry.render();
  }
}

function openBySeverity(store: CollectorStore): Sample[] {
  const counts = new Map<string, number>(SEVERITIES.map((s) => [s, 0]));
  for (const row of store.unresolvedBySeverity()) {
    counts.set(row.severity, row.count);
  }
  return [...counts].map(([severity, value]) => ({
    labels: { severity },
    value,
  }));
}

function agentsByState(
  store: CollectorStore,
  stateOf: (agent: AgentRow) => AgentState,
): Sample[] {
  const counts = new Map<string, number>(AGENT_STATES.map((s) => [s, 0]));
  for (const agent of store.listAgents()) {
    const state = stateOf(agent);
    counts.set(state, (counts.get(state) ?? 0) + 1);
  }
  return [...counts].map(([state, value]) => ({ labels: { state }, value }));
}

function watchesHolding(store: CollectorStore): Sample[] {
  const counts = new Map<string, number>(WATCHES.map((w) => [w, 0]));
  for (const row of store.listWatches()) {
    counts.set(row.watch, (counts.get(row.watch) ?? 0) + 1);
  }
  return [...counts].map(([watch, value]) => ({ labels: { watch }, value }));
}
