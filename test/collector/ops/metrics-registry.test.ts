import { describe, expect, it } from 'vitest';
import {
  Counter,
  Gauge,
  Histogram,
  MetricsRegistry,
} from '../../../collector/ops/metrics-registry.js';

describe('MetricsRegistry', () => {
  describe('when counters and gauges are rendered', () => {
    it('writes HELP, TYPE and one line per label set', () => {
      const registry = new MetricsRegistry();
      const counter = registry.add(new Counter('x_total', 'Things, counted'));
      counter.inc({ code: 'A' });
      counter.inc({ code: 'A' }, 2);
      counter.inc({ code: 'B' });
      registry.add(
        new Gauge('y', 'Now', () => [{ labels: { state: 'ok' }, value: 4 }]),
      );
      expect(registry.render()).toBe(
        [
          '# HELP x_total Things, counted',
          '# TYPE x_total counter',
          'x_total{code="A"} 3',
          'x_total{code="B"} 1',
          '# HELP y Now',
          '# TYPE y gauge',
          'y{state="ok"} 4',
          '',
        ].join('\n'),
      );
    });

    it('escapes backslashes, quotes and newlines in label values', () => {
      const counter = new Counter('c', 'h');
      counter.inc({ v: 'a\\b"c\nd' });
      expect(counter.render()[2]).toBe('c{v="a\\\\b\\"c\\nd"} 1');
    });
  });

  describe('when a histogram observes values', () => {
    it('counts them in cumulative buckets, with sum and count', () => {
      const histogram = new Histogram('h_seconds', 'Time', [0.1, 1]);
      for (const v of [0.05, 0.5, 0.5, 3]) histogram.observe(v);
      expect(histogram.render().slice(2)).toEqual([
        'h_seconds_bucket{le="0.1"} 1',
        'h_seconds_bucket{le="1"} 3',
        'h_seconds_bucket{le="+Inf"} 4',
        'h_seconds_sum 4.05',
        'h_seconds_count 4',
      ]);
    });
  });
});
