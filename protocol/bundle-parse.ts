import bundleSchema from '../schemas/bundle.schema.json' with { type: 'json' };
import { compileSchema, schemaErrorText } from '../schemas/validate.js';
import { BundleError } from './bundle-error.js';
import type { BundleLine } from './bundle.js';
import { isRecord } from './is-record.js';

const ID = bundleSchema.$id;
const checkAny = compileSchema<{ type: BundleLine['type'] }>(bundleSchema);
const checkType = {
  header: compileSchema({ $ref: `${ID}#/definitions/header` }),
  agent: compileSchema({ $ref: `${ID}#/definitions/agent` }),
  event: compileSchema({ $ref: `${ID}#/definitions/event` }),
  redacted: compileSchema({ $ref: `${ID}#/definitions/redacted` }),
  checkpoint: compileSchema({ $ref: `${ID}#/definitions/checkpoint` }),
  manifest: compileSchema({ $ref: `${ID}#/definitions/manifest` }),
} as const;

/**
 * Reads one line of a bundle: JSON, then its type's part of
 * bundle.schema.json. Throws VIGIL_BUNDLE_NOT_JSON or
 * VIGIL_BUNDLE_SCHEMA_INVALID naming the line and the JSON pointer.
 */
export function parseBundleLine(text: string, lineNo: number): BundleLine {
  let value: unknown;
  try {
    // The file came from anyone; its parse error must not escape raw.
    value = JSON.parse(text);
  } catch (error) {
    throw new BundleError(
      'VIGIL_BUNDLE_NOT_JSON',
      `line ${lineNo}: is not JSON`,
      { cause: error },
    );
  }
  if (!isRecord(value) || !checkAny(value)) {
    throw schemaError(lineNo, checkAny.errors, value);
  }
  const check = checkType[value.type];
  if (check(value)) return value as BundleLine;
  throw schemaError(lineNo, check.errors, value);
}

function schemaError(
  lineNo: number,
  errors: Parameters<typeof schemaErrorText>[0],
  value: unknown,
): BundleError {
  const text = isRecord(value)
    ? ` ${schemaErrorText(errors)}`
    : ': is not a JSON object';
  return new BundleError(
    'VIGIL_BUNDLE_SCHEMA_INVALID',
    `line ${lineNo}${text}`,
  );
}
