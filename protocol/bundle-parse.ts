import { Ajv, type ErrorObject } from 'ajv';
import addFormatsModule from 'ajv-formats';
import accessEventSchema from '../schemas/access-event.schema.json' with { type: 'json' };
import batchSchema from '../schemas/batch.schema.json' with { type: 'json' };
import bundleSchema from '../schemas/bundle.schema.json' with { type: 'json' };
import { BundleError } from './bundle-error.js';
import type { Bundle } from './bundle.js';

// ajv-formats is CommonJS: under NodeNext its default import is the module.
const addFormats = addFormatsModule.default;

const ajv = new Ajv({ allErrors: false });
addFormats(ajv);
ajv.addSchema(accessEventSchema);
ajv.addSchema(batchSchema);
const checkShape = ajv.compile<Bundle>(bundleSchema);

/**
 * Reads bundle text: JSON, then bundle.schema.json. Throws
 * VIGIL_BUNDLE_NOT_JSON, VIGIL_BUNDLE_TRUNCATED or
 * VIGIL_BUNDLE_SCHEMA_INVALID naming the JSON pointer of the first bad field.
 */
export function parseBundle(text: string): Bundle {
  let value: unknown;
  try {
    // The file came from anyone; its parse error must not escape raw.
    value = JSON.parse(text);
  } catch (error) {
    if (endsInsideValue(text)) {
      throw new BundleError(
        'VIGIL_BUNDLE_TRUNCATED',
        `bundle: JSON ends early after ${text.length} characters (cut short?)`,
        { cause: error },
      );
    }
    throw new BundleError('VIGIL_BUNDLE_NOT_JSON', 'bundle: is not JSON', {
      cause: error,
    });
  }
  if (checkShape(value)) return value;
  throw new BundleError(
    'VIGIL_BUNDLE_SCHEMA_INVALID',
    `bundle ${describe(deepest(checkShape.errors))}`,
  );
}

// A JSON text cut short leaves an object, array or string open at its end.
function endsInsideValue(text: string): boolean {
  const trimmed = text.trimStart();
  if (!trimmed.startsWith('{') && !trimmed.startsWith('[')) return false;
  let depth = 0;
  let inString = false;
  for (let i = 0; i < trimmed.length; i++) {
    const c = trimmed[i];
    if (inString) {
      if (c === '\\') i++;
      else if (c === '"') inString = false;
    } else if (c === '"') inString = true;
    else if (c === '{' || c === '[') depth++;
    else if (c === '}' || c === ']') depth--;
  }
  return inString || depth > 0;
}

// oneOf reports the enclosing item as well; the deepest pointer is the field.
function deepest(errors: ErrorObject[] | null | undefined) {
  let best: ErrorObject | undefined;
  for (const error of errors ?? []) {
    if (!best || error.instancePath.length > best.instancePath.length) {
      best = error;
    }
  }
  return best;
}

function describe(error: ErrorObject | undefined): string {
  if (!error) return '/: is invalid';
  const params = error.params as Record<string, unknown>;
  // Property names came from the file: cut short, never echoed whole.
  const name = String(
    params.missingProperty ?? params.additionalProperty ?? '',
  ).slice(0, 64);
  if (error.keyword === 'required') {
    return `${error.instancePath}/${name}: is required`;
  }
  if (error.keyword === 'additionalProperties') {
    return `${error.instancePath}/${name}: is not allowed`;
  }
  return `${error.instancePath || '/'}: ${error.message ?? 'is invalid'}`;
}
