import {
  CollectorMetrics,
  type MetricSources,
} from '../ops/collector-metrics.js';
import {
  Counter,
  Gauge,
  MetricsRegistry,
  type Sample,
} from '../ops/metrics-registry.js';

/**
 * Forwarding's part of `GET /metrics`, labelled by sink (file, http):
 * records acknowledged, failed tries by code, records dead-lettered, and
 * the lag read from the store at each scrape.
 */
export class ForwardMetrics {
  private readonly registry = new MetricsRegistry();
  readonly forwarded = this.registry.add(
    new Counter(
      'vigil_forward_records_total',
      'Records a SIEM sink acknowledged, by sink',
    ),
  );
  readonly failures = this.registry.add(
    new Counter(
      'vigil_forward_failures_total',
      'Failed tries to deliver a page (each is retried), by sink and code',
    ),
  );
  readonly deadLetters = this.registry.add(
    new Counter(
      'vigil_forward_dead_letters_total',
      'Records the receiver refused, kept in the dead-letter file, by sink',
    ),
  );

  constructor(pending: () => Sample[]) {
    this.registry.add(
      new Gauge(
        'vigil_forward_pending',
        'Records stored but not yet acknowledged by the sink, by sink',
        pending,
      ),
    );
  }

  /** Shows a sink's counters at zero before anything happened. */
  addSink(sink: string): void {
    this.forwarded.inc({ sink }, 0);
    this.deadLetters.inc({ sink }, 0);
  }

  render(): string {
    return this.registry.render();
  }
}

/** The collector's metrics followed by forwarding's, in one exposition. */
class ForwardingCollectorMetrics extends CollectorMetrics {
  constructor(
    sources: MetricSources,
    private readonly forward: ForwardMetrics,
  ) {
    super(sources);
  }

  override render(): string {
    return super.render() + this.forward.render();
  }
}

/** The metrics `GET /metrics` serves, with forwarding's when it runs. */
export function collectorMetrics(
  sources: MetricSources,
  forward: ForwardMetrics | undefined,
): CollectorMetrics {
  return forward
    ? new ForwardingCollectorMetrics(sources, forward)
    : new CollectorMetrics(sources);
}
