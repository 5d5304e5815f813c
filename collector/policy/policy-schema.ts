import { Ajv, type ErrorObject } from 'ajv';
import policySchema from '../../schemas/policy.schema.json' with { type: 'json' };
import { PolicyError, quoteValue } from './errors.js';
import type { PolicyDocument } from './types.js';
import { fieldName, type YamlSource } from './yaml-source.js';

const validatePolicy = new Ajv({ allErrors: false }).compile<PolicyDocument>(
  policySchema,
);

/** What a `pattern` failure means, by the name of the failing field. */
const PATTERN_HINTS: Record<string, string> = {
  hours: 'must be HH:MM-HH:MM, e.g. "09:00-18:00"',
  from: 'must be a date (YYYY-MM-DD) or an RFC 3339 time with offset',
  until: 'must be a date (YYYY-MM-DD) or an RFC 3339 time with offset',
  window: 'must be a whole number followed by s, m, h or d, e.g. "10m"',
};
/** YAML words for JSON Schema types. */
const TYPE_NAMES: Record<string, string> = {
  object: 'a mapping (key: value)',
  array: 'a list',
  string: 'a string',
  integer: 'a whole number',
};
const NAME_HINT =
  "must start with a letter or digit and hold only letters, digits, '.', '_' and '-'";

/** Checks a parsed policy against schemas/policy.schema.json. */
export function checkPolicySchema(source: YamlSource): PolicyDocument {
  if (validatePolicy(source.value)) return source.value;
  const error = pickError(validatePolicy.errors ?? []);
  const path = pointerToPath(error?.instancePath ?? '');
  const { field, problem } = describe(error, path, source.value);
  const line = source.lineOf(field, error?.keyword === 'additionalProperties');
  throw new PolicyError('VIGIL_POLICY_SCHEMA_INVALID', problem, {
    file: source.file,
    field: fieldName(field),
    line: line ?? source.lineOf(path),
  });
}

/** With anyOf, ajv lists each branch's failure first; the anyOf says more. */
function pickError(errors: ErrorObject[]): ErrorObject | undefined {
  return errors.find((e) => e.keyword === 'anyOf') ?? errors[0];
}

function pointerToPath(pointer: string): (string | number)[] {
  if (pointer === '') return [];
  return pointer
    .slice(1)
    .split('/')
    .map((part) => part.replace(/~1/g, '/').replace(/~0/g, '~'))
    .map((part) => (/^(0|[1-9][0-9]*)$/.test(part) ? Number(part) : part));
}

function describe(
  error: ErrorObject | undefined,
  path: (string | number)[],
  root: unknown,
): { field: (string | number)[]; problem: string } {
  const params = (error?.params ?? {}) as Record<string, unknown>;
  const last = path[path.length - 1];
  switch (error?.keyword) {
    case 'additionalProperties':
      return {
        field: [...path, String(params.additionalProperty)],
        problem: 'is not a known key',
      };
    case 'required':
      return {
        field: [...path, String(params.missingProperty)],
        problem: 'is required',
      };
    case 'anyOf':
      return { field: path, problem: 'needs days or hours (or both)' };
    case 'not':
      return { field: path, problem: '"default-deny" is a reserved rule name' };
    case 'pattern': {
      const hint = typeof last === 'string' ? PATTERN_HINTS[last] : undefined;
      const value = quoteValue(valueAt(root, path));
      return { field: path, problem: `${hint ?? NAME_HINT}; got ${value}` };
    }
    case 'enum':
      return {
        field: path,
        problem: `must be one of ${(params.allowedValues as unknown[]).join(', ')}; got ${quoteValue(valueAt(root, path))}`,
      };
    case 'type':
      return {
        field: path,
        problem: `must be ${TYPE_NAMES[String(params.type)] ?? params.type}; got ${quoteValue(valueAt(root, path))}`,
      };
    case 'minItems':
    case 'minProperties':
      return params.limit === 1
        ? { field: path, problem: 'must not be empty' }
        : { field: path, problem: error.message ?? 'has too few entries' };
    case 'uniqueItems':
      return { field: path, problem: 'lists the same value twice' };
    default:
      return { field: path, problem: error?.message ?? 'is not valid' };
  }
}

function valueAt(root: unknown, path: (string | number)[]): unknown {
  let value = root;
  for (const step of path) {
    if (value === null || typeof value !== 'object') return undefined;
    value = (value as Record<string | number, unknown>)[step];
  }
  return value;
}
