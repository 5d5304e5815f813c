import {
  closeSync,
  constants,
  fstatSync,
  openSync,
  readFileSync,
} from 'node:fs';
import type { ErrorObject, ValidateFunction } from 'ajv';
import type * as Yaml from 'yaml';
import { validate as generated } from '../schemas/agent-config-validator.js';
import { parseDuration } from '../protocol/duration.js';
import { cstDepth, YAML_DEPTH_MAX } from '../protocol/yaml-depth.js';
import { AgentError } from './errors.js';
import { withPackage } from './load-once.js';

/** The agent's configuration with every default filled in. */
export interface AgentConfig {
  collector: string;
  state: string;
  watch: string[];
  batch: { maxEvents: number; maxWaitMs: number };
  spool: { maxBytes: number };
  sensors: { audit: boolean; fs: boolean | 'auto' };
  heartbeatMs: number;
  /** How often the collector is asked for the designated paths. */
  designatedRefreshMs: number;
  logLevel: string;
}

interface RawConfig {
  collector: string;
  state: string;
  watch: string[];
  batch: { max_events: number; max_wait: string };
  spool: { max_bytes: number };
  sensors: { audit: boolean; fs: boolean | 'auto' };
  heartbeat: string;
  designated_refresh: string;
  log_level: string;
}

// Defaults live in the schema, so the documented and applied values agree.
// The check is ajv's code generated from schemas/agent-config.schema.json
// (schemas/agent-config-codegen.ts): the agent does not carry ajv itself.
const validate = generated as unknown as ValidateFunction<RawConfig>;

/** The largest config file read; a real one is a few hundred bytes. */
export const AGENT_CONFIG_MAX_BYTES = 1024 * 1024;

/** Reads and validates the YAML config; errors name the file and field. */
export function loadAgentConfig(file: string): AgentConfig {
  return parseAgentConfig(readConfigText(file), file);
}

// Opened without blocking, so that a FIFO given as the config is refused
// instead of waiting for a writer; only a regular file is read, so that
// /dev/zero is refused too, and only when its size is within the limit.
function readConfigText(file: string): string {
  let fd: number | undefined;
  try {
    fd = openSync(file, constants.O_RDONLY | constants.O_NONBLOCK);
    const stat = fstatSync(fd);
    if (!stat.isFile()) throw unreadable(file, 'is not a regular file');
    if (stat.size > AGENT_CONFIG_MAX_BYTES) {
      throw invalid(file, '(document)', 'is larger than 1 MiB');
    }
    return readFileSync(fd, 'utf8');
  } catch (error) {
    if (error instanceof AgentError) throw error;
    const code = (error as NodeJS.ErrnoException).code ?? 'error';
    throw unreadable(file, `cannot be read (${code})`);
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

function unreadable(file: string, why: string): AgentError {
  return new AgentError('VIGIL_CONFIG_UNREADABLE', `${file}: ${why}`);
}

export function parseAgentConfig(text: string, file = 'config'): AgentConfig {
  // The config is read once: yaml's code need not stay for the agent's life.
  const raw = withPackage<typeof Yaml, unknown>('yaml', (yaml) =>
    parseYaml(yaml, text, file),
  );
  if (!validate(raw)) {
    const first = validate.errors?.[0];
    const field =
      (first?.instancePath || '/').slice(1).replaceAll('/', '.') ||
      '(top level)';
    throw invalid(file, field, problemOf(first));
  }
  return {
    collector: raw.collector,
    state: raw.state,
    watch: raw.watch,
    batch: {
      maxEvents: raw.batch.max_events,
      maxWaitMs: duration(file, raw.batch.max_wait, 'batch.max_wait', [
        '10ms',
        '1h',
      ]),
    },
    spool: { maxBytes: raw.spool.max_bytes },
    sensors: raw.sensors,
    heartbeatMs: duration(file, raw.heartbeat, 'heartbeat', ['1s', '24h']),
    designatedRefreshMs: duration(
      file,
      raw.designated_refresh,
      'designated_refresh',
      ['1s', '24h'],
    ),
    logLevel: raw.log_level,
  };
}

function parseYaml(yaml: typeof Yaml, text: string, file: string): unknown {
  // Deep nesting can crash yaml's recursive composer: measure it first.
  if (cstDepth([...new yaml.Parser().parse(text)]) > YAML_DEPTH_MAX) {
    throw invalid(
      file,
      '(document)',
      `nests more than ${YAML_DEPTH_MAX} levels`,
    );
  }
  const lines = new yaml.LineCounter();
  const at = (offset: number) => `line ${lines.linePos(offset).line}`;
  const doc = yaml.parseDocument(text, {
    lineCounter: lines,
    prettyErrors: false,
    uniqueKeys: true,
  });
  // A warning too (an unknown tag such as !secret): the value it leaves is
  // not what the writer meant. yaml's messages quote the offending line;
  // only its position and yaml's code for the problem are kept.
  const problem = doc.errors[0] ?? doc.warnings[0];
  if (problem !== undefined) {
    throw invalid(
      file,
      at(problem.pos[0]),
      `is not valid YAML (${problem.code})`,
    );
  }
  yaml.visit(doc, {
    Node(_key, node) {
      if (!yaml.isAlias(node) && node.anchor === undefined) return undefined;
      const where = node.range ? at(node.range[0]) : '(document)';
      throw invalid(
        file,
        where,
        'uses a YAML anchor or alias, which agent configs may not',
      );
    },
  });
  return doc.toJS({ maxAliasCount: 0 });
}

/**
 * Milliseconds of the duration at `field`, between `min` and `max`. Node
 * runs a timer of 0 or of more than 2^31 - 1 ms (24.8 days) every
 * millisecond instead, so a heartbeat of 30d would be a flood.
 */
function duration(
  file: string,
  text: string,
  field: string,
  [min, max]: readonly [string, string],
): number {
  const value = parseDuration(text, field);
  if (value < parseDuration(min, field) || value > parseDuration(max, field)) {
    throw invalid(file, field, `must be between ${min} and ${max}`);
  }
  return value;
}

/** ajv's first error said for a person writing the config. */
function problemOf(error: ErrorObject | undefined): string {
  const params = (error?.params ?? {}) as Record<string, unknown>;
  if ('additionalProperty' in params) {
    return `unknown key "${String(params.additionalProperty)}"`;
  }
  if (error?.keyword === 'enum' && Array.isArray(params.allowedValues)) {
    return `must be one of: ${params.allowedValues.map(String).join(', ')}`;
  }
  if (error?.keyword === 'pattern' && error.schemaPath.includes('duration')) {
    return 'is not a duration (examples: 500ms, 30s, 10m, 24h, 7d)';
  }
  return error?.message ?? 'is invalid';
}

function invalid(file: string, field: string, problem: string): AgentError {
  return new AgentError(
    'VIGIL_CONFIG_INVALID',
    `${file}: ${field}: ${problem}`,
  );
}
