import canonicalizeJcs from 'canonicalize';
import { ProtocolError } from './errors.js';

// The package is CommonJS whose module.exports is the function itself, while
// its typings declare an ES default export; under NodeNext the import is the
// function at run time.
const jcs = canonicalizeJcs as unknown as (
  value: unknown,
) => string | undefined;

/** RFC 8785 (JCS) canonical text of a JSON value. */
export function canonicalize(value: unknown): string {
  const text = jcs(value);
  if (text === undefined) {
    throw new ProtocolError(
      'VIGIL_CANONICAL_INVALID',
      'value has no canonical JSON form (undefined or a function)',
    );
  }
  return text;
}

/** UTF-8 bytes of the canonical form: what gets hashed and signed. */
export function canonicalBytes(value: unknown): Buffer {
  return Buffer.from(canonicalize(value), 'utf8');
}
