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
}

function parseFields(
  text: string,
  from: number,
): Record<string, string | null> {
  // A plain object keeps one hidden class per record layout, which is much
  // faster here; names such as __proto__ that it inherits are never set.
  const fields: Record<string, string | null> = {};
  let at = skipSpaces(text, from);
  while (at < text.length) {
    const end = wordEnd(text, at);
    const eq = text.indexOf('=', at);
    if (eq === -1 || eq >= end) {
      at = skipSpaces(text, end); // a bare word: not a field, skip it
      continue;
    }
    const key = text.slice(at, eq);
    const quote = text[eq + 1];
    let value: string | null;
    if (quote === '"' || quote === "'") {
      const closing = text.indexOf(quote, eq + 2);
      const stop = closing === -1 ? text.length : closing;
      value = text.slice(eq + 2, stop);
      at = closing === -1 ? text.length : wordEnd(text, closing + 1);
    } else {
      value = unquoted(key, text.slice(eq + 1, end));
      at = end;
    }
    if (fields[key] === undefined) fields[key] = value;
    at = skipSpaces(text, at);
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
