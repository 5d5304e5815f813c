import { ProtocolError } from './errors.js';

/**
 * RFC 8785 (JCS) canonical text of a JSON value: object keys sorted by
 * UTF-16 code units, no whitespace, strings and numbers as ECMAScript's
 * JSON.stringify writes them (section 3.2.2). Hashes and signatures are
 * over this text, so every event is canonicalised at least once per hop;
 * this walks the value once, without the generic library's overhead.
 */
export function canonicalize(value: unknown): string {
  const fast = stringifiedIfCanonical(value);
  if (fast !== undefined) return fast;
  const text = serialize(value);
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

// Text that is not Unicode: other JSON readers (jq among them) refuse it,
// so what one reader hashes another could not even read.
const LONE_SURROGATE =
  /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

// A lone surrogate as JSON.stringify escapes it: `\u` and d800 to dfff,
// whose backslash is not itself escaped (an even run of backslashes
// comes before it).
const ESCAPED_LONE_SURROGATE = /(?:^|[^\\])(?:\\\\)*\\ud[89a-f]/;

/**
 * JSON.stringify's text when it is already the canonical form: every
 * object plain with its keys in sorted order, every number finite, every
 * value one JSON has, no lone surrogate. Values parsed from canonical
 * text (what ingest receives) are all like that, and the native writer is
 * several times faster. Otherwise undefined: the full walk decides.
 */
export function stringifiedIfCanonical(value: unknown): string | undefined {
  if (!stringifiesCanonically(value)) return undefined;
  const text = JSON.stringify(value);
  if (text.includes('\\ud') && ESCAPED_LONE_SURROGATE.test(text)) {
    return undefined;
  }
  return text;
}

function stringifiesCanonically(value: unknown): boolean {
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return true;
    case 'number':
      return Number.isFinite(value);
    case 'object':
      if (value === null) return true;
      if (Array.isArray(value)) return value.every(stringifiesCanonically);
      return isSortedPlainObject(value);
    default:
      return false;
  }
}

function isSortedPlainObject(value: object): boolean {
  const proto = Object.getPrototypeOf(value) as unknown;
  if (proto !== Object.prototype && proto !== null) return false;
  let previous: string | undefined;
  for (const key of Object.keys(value)) {
    const member = (value as Record<string, unknown>)[key];
    // Left out by both writers, so it takes no place in the order.
    if (member === undefined) continue;
    if (previous !== undefined && !(previous < key)) return false;
    if (!stringifiesCanonically(member)) return false;
    previous = key;
  }
  return true;
}

function serialize(value: unknown): string | undefined {
  if (value === null) return 'null';
  switch (typeof value) {
    case 'string':
      if (LONE_SURROGATE.test(value)) {
        throw new ProtocolError(
          'VIGIL_CANONICAL_INVALID',
          'a string holds a lone UTF-16 surrogate, which RFC 8785 (I-JSON) forbids',
        );
      }
      return JSON.stringify(value);
    case 'boolean':
      return JSON.stringify(value);
    case 'number':
      if (!Number.isFinite(value)) {
        throw new ProtocolError(
          'VIGIL_CANONICAL_INVALID',
          `${String(value)} has no JSON form`,
        );
      }
      return JSON.stringify(value);
    case 'object':
      return serializeObject(value);
    default:
      // undefined, functions and symbols have no JSON form; bigint neither.
      if (typeof value === 'bigint') {
        throw new ProtocolError(
          'VIGIL_CANONICAL_INVALID',
          'a bigint has no JSON form',
        );
      }
      return undefined;
  }
}

/**
 * The canonical members of a plain object, sorted, each as `"key":value`,
 * members without a JSON form left out. Joined with commas inside braces
 * they are its canonical form; callers that need the form of the object
 * with one member left out skip that member instead of serializing twice.
 */
export function canonicalMembers(
  record: Record<string, unknown>,
): [key: string, text: string][] {
  const members: [string, string][] = [];
  for (const key of Object.keys(record).sort()) {
    if (LONE_SURROGATE.test(key)) {
      throw new ProtocolError(
        'VIGIL_CANONICAL_INVALID',
        'a member name holds a lone UTF-16 surrogate, which RFC 8785 (I-JSON) forbids',
      );
    }
    const member = serialize(record[key]);
    if (member !== undefined)
      members.push([key, `${JSON.stringify(key)}:${member}`]);
  }
  return members;
}

function serializeObject(value: object): string | undefined {
  const toJSON = (value as { toJSON?: unknown }).toJSON;
  if (typeof toJSON === 'function') {
    return serialize((toJSON as () => unknown).call(value));
  }
  if (Array.isArray(value)) {
    // As JSON.stringify: members without a JSON form become null.
    return `[${value.map((item: unknown) => serialize(item) ?? 'null').join(',')}]`;
  }
  // As JSON.stringify: members without a JSON form are left out.
  const members = canonicalMembers(value as Record<string, unknown>);
  return `{${members.map(([, text]) => text).join(',')}}`;
}
