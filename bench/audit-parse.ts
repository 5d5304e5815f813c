import { execFileSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import { LogTailer } from '../agent/audit/log-tailer.js';
import { AuditPipeline } from '../agent/audit/pipeline.js';
import { AUDIT_FLUSH_MS } from '../agent/audit/sensor-options.js';
import { AGENT_NODE_FLAGS } from '../agent/node-flags.js';
import {
  AUDIT_SOURCES,
  readAuditEvents,
  writeAuditLog,
} from './audit-log-gen.js';
import type { BenchGroup, Sample } from './harness.js';

/** The repository: dist/bench/ is two folders below it. */
const REPO_ROOT = resolve(import.meta.dirname, '..', '..');
const RECORDS = 500_000;
const RECORDS_QUICK = 50_000;
/** The rule key of the fixture's events; the corpus's events carry others. */
const FIXTURE_KEY = 'vfix';
const FIXTURE_ROOT = '/tmp/vigil-fixture';
/** DESIGN section 10: audit log parsing at 150,000 records/s. */
const GOAL_RECORDS_PER_S = 150_000;

/**
 * The audit sensor's read path over a large log of real records: LogTailer
 * reads and splits it, AuditPipeline parses each record, groups by event
 * and turns the groups under the rule key into access events. The
 * reference is the LogTailer alone: reading the file and splitting lines.
 */
export const auditParseGroup: BenchGroup = {
  name: 'audit-parse',
  rounds: 5,
  quickRounds: 1,
  setup({ quick, scratch }) {
    const dir = join(scratch, 'audit-parse');
    mkdirSync(dir);
    const file = join(dir, 'audit.log');
    const sources = AUDIT_SOURCES.map((source) => resolve(REPO_ROOT, source));
    const records = writeAuditLog(
      file,
      readAuditEvents(sources),
      quick ? RECORDS_QUICK : RECORDS,
    );
    return [
      {
        name: 'audit-parse',
        unit: 'records/s',
        target: { of: 'value', op: '>=', bound: GOAL_RECORDS_PER_S },
        measures: `${records.toLocaleString('en-US')} real-format records (fixtures and corpus replayed with fresh serials and times) read, parsed, grouped and converted by the agent's LogTailer and AuditPipeline, one core, wall time, in a node process started with the agent's flags (${AGENT_NODE_FLAGS.join(' ')})`,
        reference:
          'LogTailer alone reading and splitting the same file, same process',
        run(): Sample {
          const { parse, split } = secondsUnderAgentFlags(file);
          return { value: records / parse, reference: records / split };
        },
      },
    ];
  },
};

/**
 * Both timings, taken in a child node started as the agent is: its flags
 * decide how V8 compiles the parser (agent/node-flags.ts), so a figure
 * taken in this process would describe a parser the agent does not run.
 */
function secondsUnderAgentFlags(file: string): {
  parse: number;
  split: number;
} {
  const output = execFileSync(
    process.execPath,
    [...AGENT_NODE_FLAGS, import.meta.filename, file],
    { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] },
  );
  return JSON.parse(output) as { parse: number; split: number };
}

/** Seconds to read the whole file, through the pipeline or not. */
function parseSeconds(file: string, parse: boolean): number {
  const pipeline = new AuditPipeline(
    { key: FIXTURE_KEY, flushMs: AUDIT_FLUSH_MS, roots: [FIXTURE_ROOT] },
    () => {},
  );
  const tailer = new LogTailer(file);
  const start = performance.now();
  tailer.open({ inode: 0, offset: 0 });
  let lines = 0;
  for (let step = tailer.read(); step.kind !== 'idle'; step = tailer.read()) {
    if (step.kind !== 'lines') continue;
    lines += step.lines.length;
    if (parse) for (const line of step.lines) pipeline.line(line.text, line.at);
  }
  pipeline.flushAll();
  const seconds = (performance.now() - start) / 1000;
  tailer.close();
  const { records, malformed } = pipeline.stats;
  if (parse && records + malformed !== lines) {
    throw new Error(`audit-parse: ${lines} lines read, ${records} parsed`);
  }
  return seconds;
}

// The child of secondsUnderAgentFlags: `node <flags> audit-parse.js <log>`.
if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const file = process.argv[2] ?? '';
  const parse = parseSeconds(file, true);
  const split = parseSeconds(file, false);
  process.stdout.write(JSON.stringify({ parse, split }));
}
