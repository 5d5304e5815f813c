import {
  codePointLabel,
  markHidden,
  namedEscape,
} from '../collector/hidden-chars.js';

// C0 controls, DEL and C1 controls: the ones a terminal may obey.
const LAST_CONTROL = 0x9f;

/**
 * Text a vendor chose (a user name, a path, a message quoting a bundle) made
 * safe to print on a terminal: each control character becomes a visible
 * escape (`\n`, `\r`, `\t`, `\x1b`, `\x9b`) and each character that hides or
 * reorders text (bidi overrides and isolates, zero-width characters, line
 * and paragraph separators) becomes its code point (`[U+202E]`). Nothing
 * else changes, so ordinary text, Chinese included, prints as it is. Only
 * for human output: JSON output escapes on its own.
 */
export function printable(text: string): string {
  return markHidden(text, (c) => namedEscape(c) ?? escapeOf(c));
}

function escapeOf(char: string): string {
  const code = char.codePointAt(0) ?? 0;
  return code <= LAST_CONTROL
    ? `\\x${code.toString(16).padStart(2, '0')}`
    : codePointLabel(char);
}
