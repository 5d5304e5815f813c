import { readFileSync } from 'node:fs';
import { it } from 'vitest';
import { AuditPipeline } from '../../../agent/audit/pipeline.js';
import { parseRecord } from '../../../agent/audit/parse-record.js';

it('bench', () => {
  const lines = readFileSync('test/fixtures/audit/debian12-linux6.18-enriched.log', 'utf8').split('\n').filter(Boolean);
  const all: string[] = [];
  for (let r = 0; r < 3000; r++) for (const l of lines) all.push(l.replace(/:(\d+)\):/, (_m, s) => `:${Number(s) + r * 1000}):`));
  for (let round = 0; round < 2; round++) {
  let t = performance.now();
  for (const l of all) parseRecord(l);
  console.log('header-only', Math.round(all.length / (performance.now() - t) * 1000), 'rec/s');
  t = performance.now();
  for (const l of all) { const r = parseRecord(l); void r?.fields.key; }
  console.log('with fields', Math.round(all.length / (performance.now() - t) * 1000), 'rec/s');
  for (const key of ['vfix', 'none']) {
    const p = new AuditPipeline({ key, flushMs: 500 }, () => {});
    const t = performance.now();
    let off = 0;
    for (const l of all) p.line(l, off++, 0);
    p.flushAll();
    const ms = performance.now() - t;
    console.log(key, all.length, 'records', Math.round(all.length / ms * 1000), 'rec/s', p.stats.events);
  }
  }
});
