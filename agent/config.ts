import { readFileSync } from 'node:fs';
import type { ValidateFunction } from 'ajv';
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

/** Reads and validates the YAML config; errors name the file and field. */
export function loadAgentConfig(file: string): AgentConfig {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new AgentError(
      'VIGIL_CONFIG_UNREADABLE',
      `${file}: cannot be read (${(error as NodeJS.ErrnoException).code ?? 'error'})`,
    );
  }
  return parseAgentConfig(text, file);
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
    const extra =
      first?.params && 'additionalProperty' in first.params
        ? `unknown key "${String(first.params.additionalProperty)}"`
        : (first?.message ?? 'is invalid');
    throw invalid(file, field, extra);
  }
  return {
    collector: raw.collector,
    state: raw.state,
    watch: raw.watch,
    batch: {
      maxEvents: raw.batch.max_events,
      maxWaitMs: parseDuration(raw.batch.max_wait, 'batch.max_wait'),
    },
    spool: { maxBytes: raw.spool.max_bytes },
    sensors: raw.sensors,
    heartbeatMs: parseDuration(raw.heartbeat, 'heartbeat'),
    designatedRefreshMs: parseDuration(
      raw.designated_refresh,
      'designated_refresh',
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
  try {
    return yaml.parse(text, { maxAliasCount: 0 });
  } catch (error) {
    // yaml's own messages quote the offending line; keep only its position.
    const where = (error as { linePos?: [{ line: number }] }).linePos?.[0];
    throw invalid(
      file,
      where ? `line ${where.line}` : '(document)',
      'is not valid YAML',
    );
  }
}

function invalid(file: string, field: string, problem: string): AgentError {
  return new AgentError(
    'VIGIL_CONFIG_INVALID',
    `${file}: ${field}: ${problem}`,
  );
}
