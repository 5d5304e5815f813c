import bundleSchema from '../schemas/bundle.schema.json' with { type: 'json' };
import { compileSchema, schemaErrorText } from '../schemas/validate.js';
import { BundleError } from './bundle-error.js';
import type { Bundle } from './bundle.js';

const checkShape = compileSchema<Bundle>(bundleSchema);

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
    `bundle ${schemaErrorText(checkShape.errors)}`,
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
