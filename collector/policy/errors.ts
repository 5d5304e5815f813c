import { VigilError } from '../../protocol/errors.js';

export const POLICY_ERROR_CODES = [
  'VIGIL_POLICY_UNREADABLE',
  'VIGIL_POLICY_TOO_LARGE',
  'VIGIL_POLICY_YAML_INVALID',
  'VIGIL_POLICY_SCHEMA_INVALID',
  'VIGIL_POLICY_DUPLICATE_ID',
  'VIGIL_POLICY_DUPLICATE_RULE',
  'VIGIL_POLICY_GLOB_INVALID',
  'VIGIL_POLICY_TIMEZONE_UNKNOWN',
  'VIGIL_POLICY_TIME_INVALID',
  'VIGIL_POLICY_TEST_INVALID',
  'VIGIL_POLICY_TEST_NONE',
  'VIGIL_POLICY_EVENT_UNREADABLE',
  'VIGIL_POLICY_EVENT_INVALID',
] as const;

export type PolicyErrorCode = (typeof POLICY_ERROR_CODES)[number];

/** Where in which policy file a problem sits; `line` is 1-based. */
export interface PolicyErrorSource {
  file: string;
  field?: string;
  line?: number;
}

/**
 * A policy or policy test file that cannot be loaded. The message reads
 * `file:line: field: problem`; the parts are also kept as properties.
 */
export class PolicyError extends VigilError<PolicyErrorCode> {
  readonly file: string;
  readonly field: string | undefined;
  readonly line: number | undefined;
  /** The message without its `file:line: field:` prefix. */
  readonly problem: string;

  constructor(
    code: PolicyErrorCode,
    problem: string,
    source: PolicyErrorSource,
    options?: { cause?: unknown },
  ) {
    super(code, formatMessage(problem, source), options);
    this.file = source.file;
    this.field = source.field;
    this.line = source.line;
    this.problem = problem;
  }
}

function formatMessage(problem: string, source: PolicyErrorSource): string {
  const where =
    source.line === undefined ? source.file : `${source.file}:${source.line}`;
  const field = source.field === undefined ? '' : ` ${source.field}:`;
  return `${where}:${field} ${problem}`;
}

/** Quotes a value from a policy file for a message, cut to a readable size. */
export function quoteValue(value: unknown): string {
  const MAX_QUOTED_CHARS = 80;
  const text = JSON.stringify(value) ?? String(value);
  return text.length > MAX_QUOTED_CHARS
    ? `${text.slice(0, MAX_QUOTED_CHARS)}… (${text.length} characters)`
    : text;
}
