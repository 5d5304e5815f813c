/** Content type of the Prometheus text exposition format 0.0.4. */
export const METRICS_CONTENT_TYPE = 'text/plain; version=0.0.4; charset=utf-8';

export type Labels = Record<string, string>;

/** One sample of a gauge read at scrape time. */
export interface Sample {
  labels: Labels;
  value: number;
}

interface Metric {
  render(): string[];
}

/** A value that only goes up, one per label set. */
export class Counter implements Metric {
  private readonly values = new Map<string, { labels: Labels; n: number }>();

  constructor(
    readonly name: string,
    readonly help: string,
  ) {}

  inc(labels: Labels = {}, by = 1): void {
    const key = labelText(labels);
    const entry = this.values.get(key) ?? { labels, n: 0 };
    entry.n += by;
    this.values.set(key, entry);
  }

  render(): string[] {
    const lines = header(this.name, this.help, 'counter');
    for (const { labels, n } of this.values.values()) {
      lines.push(`${this.name}${labelText(labels)} ${n}`);
    }
    return lines;
  }
}

/** Observations counted in cumulative buckets, with their sum. */
export class Histogram implements Metric {
  private readonly counts: number[];
  private sum = 0;
  private count = 0;

  constructor(
    readonly name: string,
    readonly help: string,
    private readonly buckets: readonly number[],
  ) {
    this.counts = buckets.map(() => 0);
  }

  observe(value: number): void {
    this.buckets.forEach((le, i) => {
      if (value <= le) this.counts[i]! += 1;
    });
    this.sum += value;
    this.count += 1;
  }

  render(): string[] {
    const lines = header(this.name, this.help, 'histogram');
    this.buckets.forEach((le, i) => {
      lines.push(`${this.name}_bucket{le="${le}"} ${this.counts[i]}`);
    });
    lines.push(`${this.name}_bucket{le="+Inf"} ${this.count}`);
    lines.push(`${this.name}_sum ${this.sum}`);
    lines.push(`${this.name}_count ${this.count}`);
    return lines;
  }
}

/** A value read when scraped, for state kept elsewhere (the store). */
export class Gauge implements Metric {
  constructor(
    readonly name: string,
    readonly help: string,
    private readonly collect: () => Sample[],
  ) {}

  render(): string[] {
    const lines = header(this.name, this.help, 'gauge');
    for (const { labels, value } of this.collect()) {
      lines.push(`${this.name}${labelText(labels)} ${value}`);
    }
    return lines;
  }
}

/** The metrics of one process, rendered in registration order. */
export class MetricsRegistry {
  private readonly metrics: Metric[] = [];

  add<M extends Metric>(metric: M): M {
    this.metrics.push(metric);
    return metric;
  }

  render(): string {
    return this.metrics.flatMap((m) => m.render()).join('\n') + '\n';
  }
}

function header(name: string, help: string, type: string): string[] {
  const text = help.replace(/\\/g, '\\\\').replace(/\n/g, '\\n');
  return [`# HELP ${name} ${text}`, `# TYPE ${name} ${type}`];
}

function labelText(labels: Labels): string {
  const pairs = Object.entries(labels).map(
    ([key, value]) => `${key}="${escapeValue(value)}"`,
  );
  return pairs.length > 0 ? `{${pairs.join(',')}}` : '';
}

function escapeValue(value: string): string {
  return value
    .replace(/\\/g, '\\\\')
    .replace(/"/g, '\\"')
    .replace(/\n/g, '\\n');
}
