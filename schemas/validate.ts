import { createRequire } from 'node:module';
import type { Ajv, ErrorObject, ValidateFunction } from 'ajv';
import type { Batch } from '../protocol/batch.js';
import { ProtocolError, type ProtocolErrorCode } from '../protocol/errors.js';
import type { AccessEvent } from '../protocol/event.js';
import type { Envelope } from '../protocol/seal.js';
import accessEventSchema from './access-event.schema.json' with { type: 'json' };
import batchSchema from './batch.schema.json' with { type: 'json' };
import envelopeSchema from './envelope.schema.json' with { type: 'json' };

// A property name echoed in an error is cut short: it came from the sender.
const MAX_NAME_CHARS = 64;

let shared: Ajv | undefined;

// ajv loads on first use, with require so that the checks stay synchronous:
// the agent reaches this module (sealBatch) but never validates wire
// documents, and ajv's code would stay in its memory for months.
function ajv(): Ajv {
  if (shared === undefined) {
    const require = createRequire(import.meta.url);
    const { Ajv } = require('ajv') as typeof import('ajv');
    // ajv-formats is CommonJS: its plugin is the module's `default`.
    const formats = require('ajv-formats') as typeof import('ajv-formats');
    shared = new Ajv({ allErrors: false });
    formats.default(shared);
    shared.addSchema([accessEventSchema, envelopeSchema, batchSchema]);
  }
  return shared;
}

// Compiled on first use: every compiled validator stays in memory.
function compiled<T>(schema: { $id: string }): ValidateFunction<T> {
  return ajv().getSchema<T>(schema.$id)!;
}

/**
 * Compiles another boundary schema on the same ajv, so that its `$ref`s to
 * the access event and batch schemas resolve.
 */
export function compileSchema<T>(schema: object) {
  return ajv().compile<T>(schema);
}

/** "/pointer: problem" for the most specific of ajv's errors. */
export function schemaErrorText(errors: ValidateFunction['errors']): string {
  return describe(mostSpecific(errors));
}

/**
 * Checks `value` against access-event.schema.json. Throws
 * VIGIL_SCHEMA_INVALID naming the JSON pointer of the first bad field.
 */
export function validateAccessEvent(value: unknown): AccessEvent {
  const checkEvent = compiled<AccessEvent>(accessEventSchema);
  if (checkEvent(value)) return value;
  throw failure('VIGIL_SCHEMA_INVALID', 'access event', checkEvent.errors);
}

/**
 * Checks `value` against envelope.schema.json, and that first <= last.
 * Throws VIGIL_ENVELOPE_INVALID naming the field.
 */
export function validateEnvelope(value: unknown): Envelope {
  const checkEnvelope = compiled<Envelope>(envelopeSchema);
  if (!checkEnvelope(value)) {
    throw failure('VIGIL_ENVELOPE_INVALID', 'envelope', checkEnvelope.errors);
  }
  if (value.last < value.first) {
    throw new ProtocolError(
      'VIGIL_ENVELOPE_INVALID',
      'envelope /last: must not be less than /first',
    );
  }
  return value;
}

/**
 * Checks `value` against batch.schema.json, events included. Throws
 * VIGIL_SCHEMA_INVALID when an event is bad (pointer /events/N/…), and
 * VIGIL_BATCH_INVALID when the batch around them is.
 */
export function validateBatchShape(value: unknown): Batch {
  const checkBatch = compiled<Batch>(batchSchema);
  if (checkBatch(value)) return value;
  const error = mostSpecific(checkBatch.errors);
  const inEvent = error?.instancePath.startsWith('/events/') ?? false;
  const code = inEvent ? 'VIGIL_SCHEMA_INVALID' : 'VIGIL_BATCH_INVALID';
  throw failure(code, 'batch', checkBatch.errors);
}

function failure(
  code: ProtocolErrorCode,
  document: string,
  errors: ValidateFunction['errors'],
): ProtocolError {
  return new ProtocolError(
    code,
    `${document} ${describe(mostSpecific(errors))}`,
  );
}

// oneOf and if/then report the enclosing object as well as the field that
// failed inside it; the deepest pointer names the field a person must fix.
function mostSpecific(
  errors: ValidateFunction['errors'],
): ErrorObject | undefined {
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
  const at = error.instancePath;
  const params = error.params as Record<string, unknown>;
  if (error.keyword === 'required') {
    return `${child(at, params.missingProperty)}: is required`;
  }
  if (error.keyword === 'additionalProperties') {
    return `${child(at, params.additionalProperty)}: is not allowed`;
  }
  return `${at || '/'}: ${error.message ?? 'is invalid'}`;
}

// RFC 6901 escaping, so the pointer stays one unambiguous path.
function child(pointer: string, name: unknown): string {
  const text = String(name).slice(0, MAX_NAME_CHARS);
  return `${pointer}/${text.replaceAll('~', '~0').replaceAll('/', '~1')}`;
}
