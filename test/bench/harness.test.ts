import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  median,
  percentile,
  runGroups,
  summarize,
  type BenchGroup,
  type Benchmark,
} from '../../bench/harness.js';
import type { BenchReport } from '../../bench/report.js';
import { markdownReport, markdownTable } from '../../bench/report.js';
import { requireBuild, REPO_ROOT } from '../helpers/vigil-cli.js';

const options = { quick: false, scratch: tmpdir() };

/** A benchmark that reports the given values (and references) in turn. */
function fake(
  name: string,
  values: number[],
  extra: Partial<Benchmark> = {},
  references?: number[],
): Benchmark {
  return {
    name,
    unit: 'events/s',
    measures: `fake ${name}`,
    run: (round) => ({
      value: values[round]!,
      ...(references ? { reference: references[round]! } : {}),
    }),
    ...extra,
  };
}

describe('bench harness', () => {
  describe('when summing up rounds', () => {
    it('takes the median of odd and even counts', () => {
      expect(median([3, 1, 2])).toBe(2);
      expect(median([4, 1, 3, 2])).toBe(2.5);
      expect(median([])).toBeNaN();
    });

    it('takes percentiles by nearest rank', () => {
      const values = Array.from({ length: 20 }, (_, i) => i + 1);
      expect(percentile(values, 95)).toBe(19);
      expect(percentile(values, 50)).toBe(10);
      expect(percentile([7], 95)).toBe(7);
    });

    it('reports spread as min–max over the median, and the ratio of medians', () => {
      const bench = fake('x', [90, 110, 100], {}, [200, 180, 220]);
      const samples = [0, 1, 2].map((r) => bench.run(r) as { value: number });
      const result = summarize('g', bench, samples);
      expect(result).toMatchObject({ median: 100, min: 90, max: 110 });
      expect(result.spread).toBeCloseTo(0.2);
      expect(result.referenceMedian).toBe(200);
      expect(result.ratio).toBe(0.5);
      expect(result.pass).toBeUndefined();
    });

    it('judges a ratio target and a value target', () => {
      const samples = [{ value: 40, reference: 100 }];
      const byRatio = fake('r', [], {
        target: { of: 'ratio', op: '>=', bound: 0.5 },
      });
      expect(summarize('g', byRatio, samples).pass).toBe(false);
      const byValue = fake('v', [], {
        target: { of: 'value', op: '<=', bound: 40 },
      });
      expect(summarize('g', byValue, samples).pass).toBe(true);
    });

    it('fails a ratio target when no reference was measured', () => {
      const bench = fake('r', [], {
        target: { of: 'ratio', op: '>=', bound: 0.5 },
      });
      expect(summarize('g', bench, [{ value: 1 }]).pass).toBe(false);
    });
  });

  describe('when running groups', () => {
    it('runs round r of every figure before round r + 1, then tears down', async () => {
      const calls: string[] = [];
      const group: BenchGroup = {
        name: 'g',
        rounds: 2,
        setup: () => {
          calls.push('setup');
          return ['a', 'b'].map((n) =>
            fake(n, [1, 2], {
              run: (round) => {
                calls.push(`${n}${round}`);
                return { value: round + 1 };
              },
            }),
          );
        },
        teardown: () => {
          calls.push('teardown');
        },
      };
      const { figures } = await runGroups([group], options);
      expect(calls).toEqual(['setup', 'a0', 'b0', 'a1', 'b1', 'teardown']);
      expect(figures.map((f) => [f.name, f.rounds, f.median])).toEqual([
        ['a', 2, 1.5],
        ['b', 2, 1.5],
      ]);
    });

    it('skips an unavailable group and reports a failing one, running the rest', async () => {
      let tornDown = false;
      const groups: BenchGroup[] = [
        { name: 'none', rounds: 1, unavailable: () => 'no auditd here' },
        {
          name: 'broken',
          rounds: 1,
          benchmarks: [
            fake('b', [], {
              run: () => {
                throw new Error('collector refused');
              },
            }),
          ],
          teardown: () => {
            tornDown = true;
          },
        },
        {
          name: 'fine',
          rounds: 3,
          quickRounds: 1,
          benchmarks: [fake('f', [5])],
        },
      ];
      const result = await runGroups(groups, { ...options, quick: true });
      expect(result.skipped).toEqual([
        { group: 'none', reason: 'no auditd here' },
        { group: 'broken', reason: 'failed: collector refused' },
      ]);
      expect(tornDown).toBe(true);
      expect(result.figures.map((f) => [f.name, f.rounds])).toEqual([['f', 1]]);
    });
  });

  describe('when writing the report', () => {
    const figure = summarize(
      'g',
      fake('ingest', [], { target: { of: 'ratio', op: '>=', bound: 0.5 } }),
      [{ value: 12_345.6, reference: 100_000 }],
    );
    const report: BenchReport = {
      machine: {
        cpu: 'Test CPU',
        cores: 2,
        memoryGiB: 24,
        node: 'v20.20.2',
        date: '2026-12-04T18:00:00.000Z',
        commit: 'abc123',
      },
      quick: false,
      load: { start: 0.5, end: 1.25 },
      spread: 'min–max',
      figures: [figure],
      skipped: [{ group: 'latency', reason: 'auditd is not running' }],
    };

    it('shows value, reference, ratio, target and verdict in one row', () => {
      const row = markdownTable([figure]).split('\n')[2];
      expect(row).toBe(
        '| ingest | events/s | 12,346 | 12,346–12,346 (0%) | 100,000 | 0.123 | ratio >= 0.500 | **not met** |',
      );
    });

    it('names the machine and what was not measured', () => {
      const text = markdownReport(report);
      expect(text).toContain('Test CPU, 2 cores, 24 GiB, Node v20.20.2');
      expect(text).toContain('- latency: auditd is not running');
      expect(text).toContain('- **ingest** (1 rounds): fake ingest.');
    });
  });
});

describe('npm run bench --quick --only policy-eval', () => {
  const out = mkdtempSync(join(tmpdir(), 'vigil-bench-test-'));
  afterAll(() => rmSync(out, { recursive: true, force: true }));

  it('writes a latest.json with the machine and the policy figures', () => {
    requireBuild();
    const run = spawnSync(
      process.execPath,
      [join(REPO_ROOT, 'dist', 'bench', 'run.js')].concat([
        '--quick',
        '--only',
        'policy-eval',
        '--out',
        out,
      ]),
      { encoding: 'utf8', timeout: 25_000 },
    );
    expect(run.status, run.stderr).toBe(0);
    const report = JSON.parse(
      readFileSync(join(out, 'latest.json'), 'utf8'),
    ) as BenchReport;
    expect(report.quick).toBe(true);
    expect(report.machine.node).toBe(process.version);
    expect(report.machine.cores).toBeGreaterThan(0);
    expect(report.figures.map((f) => f.name)).toEqual([
      'policy-eval 10 policies',
      'policy-eval 100 policies',
      'policy-eval 1000 policies',
      'policy-eval 1000 policies, limits',
    ]);
    for (const f of report.figures) {
      expect(f.median).toBeGreaterThan(0);
      expect(f.ratio).toBeCloseTo(f.median / f.referenceMedian!);
    }
    expect(readFileSync(join(out, 'RESULTS.md'), 'utf8')).toMatch(
      /\| policy-eval 1000 policies +\| events\/s +\|/,
    );
  }, 30_000);
});
