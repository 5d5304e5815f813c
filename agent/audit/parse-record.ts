import { AuditError } from './errors.js';
import { decodeHex, HEX_ENCODED_FIELDS } from './hex.js';

/** One line of the audit log, raw fields only. */
export interface AuditRecord {
  readonly node: string | undefined;
  readonly type: string;
  /** Kernel time in milliseconds since the epoch. */
  readonly timeMs: number;
  readonly serial: number;
  /** Node, time and serial: what ties the records of one event together. */
  readonly eventKey: string;
  /** Raw values; quoted strings unquoted, hex decoded, `(null)` as null. */
  readonly fields: Record<string, string | null>;
  /**
   * One value of `fields`, found without building the others: what a
   * record of another rule's event is asked before being set aside.
   */
  field(name: string): string | null | undefined;
}

/** auditd's ENRICHED format appends interpreted fields after this byte. */
const ENRICHED_SEPARATOR = '\x1d';
const STAMP = /^(\d{1,12})\.(\d{3}):(\d{1,10})$/;
const MSG_PREFIX = 'msg=audit(';

/**
 * Parses one log line. Returns undefined for a blank line; throws
 * AuditError VIGIL_AUDIT_RECORD_MALFORMED when the line is not a record,
 * because log lines are untrusted input.
 */
export function parseRecord(line: string): AuditRecord | undefined {
  const cut = line.indexOf(ENRICHED_SEPARATOR);
  const text = (cut === -1 ? line : line.slice(0, cut)).trimEnd();
  if (text === '') return undefined;
  let at = 0;
  let node: string | undefined;
  if (text.startsWith('node=')) {
    const end = wordEnd(text, 5);
    node = text.slice(5, end);
    at = skipSpaces(text, end);
  }
  if (!text.startsWith('type=', at)) throw malformed('no type= field');
  const typeEnd = wordEnd(text, at + 5);
  const type = text.slice(at + 5, typeEnd);
  at = skipSpaces(text, typeEnd);
  if (type === '' || !text.startsWith(MSG_PREFIX, at)) {
    throw malformed('no msg=audit(…) stamp');
  }
  const close = text.indexOf('):', at);
  if (close === -1) throw malformed('unterminated msg=audit( stamp');
  const stampText = text.slice(at + MSG_PREFIX.length, close);
  const stamp = STAMP.exec(stampText);
  if (!stamp) throw malformed('bad msg=audit(…) stamp');
  // The key is built from the stamp's parts rather than sliced from the
  // line: it outlives the record (the correlator keeps it), and a slice
  // would keep the whole line in memory with it.
  const key = `${stamp[1]}.${stamp[2]}:${stamp[3]}`;
  return new LogRecord(
    node,
    type,
    Number(stamp[1]) * 1000 + Number(stamp[2]),
    Number(stamp[3]),
    node === undefined ? key : `${node} ${key}`,
    text,
    close + 2,
  );
}

// Fields are parsed on first use: most records of a busy log belong to
// other rules' events and are never looked into.
class LogRecord implements AuditRecord {
  private parsed: Record<string, string | null> | undefined;

  constructor(
    readonly node: string | undefined,
    readonly type: string,
    readonly timeMs: number,
    readonly serial: number,
    readonly eventKey: string,
    private readonly text: string,
    private readonly from: number,
  ) {}

  get fields(): Record<string, string | null> {
    this.parsed ??= parseFields(this.text, this.from);
    return this.parsed;
  }

  field(name: string): string | null | undefined {
    if (this.parsed !== undefined) return this.parsed[name];
    const { text, from } = this;
    const first = skipSpaces(text, from);
    const at = text.startsWith(`${name}=`, first)
      ? first
      : text.indexOf(` ${name}=`, from) + 1;
    if (at === 0) return undefined;
    // Spaces split fields except inside quotes: with no quoted space
    // before `at`, the first " name=" starts the first field so named.
    if (!QUOTED_SPACE.test(text.slice(from, at))) {
      nextField(text, at);
      return valueAt(text, name);
    }
    for (let next = from; nextField(text, next); next = cursor.next) {
      if (cursor.eq - cursor.start === name.length) {
        if (text.startsWith(name, cursor.start)) return valueAt(text, name);
      }
    }
    return undefined;
  }
}

/**
 * A quoted value holding a space, or what might be one: its field's
 * name ends at the first "=" of the word, which this does not check.
 */
const QUOTED_SPACE = /=(?:"[^" ]* |'[^' ]* )/;

/**
 * Where nextField found a field: its name from `start` to `eq`, its raw
 * value from `eq + 1` to `end`, and where the next field may start. One
 * object reused, so that scanning a record allocates nothing.
 */
const cursor = { start: 0, eq: 0, end: 0, quote: '', next: 0 };

/**
 * Moves `cursor` to the first field at or after `from`, skipping spaces
 * and bare words; false at the end of the text. A quoted value runs to
 * its closing quote, spaces and all.
 */
function nextField(text: string, from: number): boolean {
  let at = skipSpaces(text, from);
  while (at < text.length) {
    const end = wordEnd(text, at);
    const eq = text.indexOf('=', at);
    if (eq === -1 || eq >= end) {
      at = skipSpaces(text, end); // a bare word: not a field, skip it
      continue;
    }
    const quote = text[eq + 1];
    cursor.start = at;
    cursor.eq = eq;
    if (quote === '"' || quote === "'") {
      const closing = text.indexOf(quote, eq + 2);
      cursor.quote = quote;
      cursor.end = closing === -1 ? text.length : closing;
      cursor.next = closing === -1 ? text.length : wordEnd(text, closing + 1);
    } else {
      cursor.quote = '';
      cursor.end = end;
      cursor.next = end;
    }
    return true;
  }
  return false;
}

/** The value of the field at `cursor`, named `key`. */
function valueAt(text: string, key: string): string | null {
  if (cursor.quote !== '') return text.slice(cursor.eq + 2, cursor.end);
  return unquoted(key, text.slice(cursor.eq + 1, cursor.end));
}

function parseFields(
  text: string,
  from: number,
): Record<string, string | null> {
  // A plain object keeps one hidden class per record layout, which is much
  // faster here; names such as __proto__ that it inherits are never set.
  const fields: Record<string, string | null> = {};
  for (let at = from; nextField(text, at); at = cursor.next) {
    const key = text.slice(cursor.start, cursor.eq);
    if (fields[key] === undefined) fields[key] = valueAt(text, key);
  }
  return fields;
}

function unquoted(key: string, raw: string): string | null {
  if (raw === '(null)') return null;
  if (!HEX_ENCODED_FIELDS.has(key)) return raw;
  return decodeHex(raw) ?? raw;
}

function wordEnd(text: string, from: number): number {
  const space = text.indexOf(' ', from);
  return space === -1 ? text.length : space;
}

function skipSpaces(text: string, from: number): number {
  let at = from;
  while (text.charCodeAt(at) === 32) at += 1;
  return at;
}

function malformed(why: string): AuditError {
  return new AuditError('VIGIL_AUDIT_RECORD_MALFORMED', `audit record: ${why}`);
}
