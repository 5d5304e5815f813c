/*
 * Characters that hide, reorder or break the text around them when shown:
 * one classification for every place Vigil shows a string a vendor's
 * machine chose (the HTML report, the terminal), so both treat the same
 * characters as hidden.
 */

// C0 and C1 controls and DEL, and the marks, isolates and overrides that
// reorder or hide text (a file named "invoice\u202Efdp.exe" reads
// "invoiceexe.pdf"), zero-width characters, the line and paragraph
// separators, and the byte order mark.
const HIDDEN =
  // eslint-disable-next-line no-control-regex -- control characters are the point
  /[\u0000-\u001f\u007f-\u009f\u061c\u200b-\u200f\u2028-\u202e\u2060-\u2069\ufeff]/gu;

const NAMED: Record<string, string> = { '\n': '\\n', '\r': '\\r', '\t': '\\t' };

/**
 * `text` with each hidden character replaced by what `mark` makes of it;
 * every other character is kept as it is.
 */
export function markHidden(
  text: string,
  mark: (char: string) => string,
): string {
  return text.replace(HIDDEN, mark);
}

/** `\n`, `\r` or `\t` for a line feed, carriage return or tab. */
export function namedEscape(char: string): string | undefined {
  return NAMED[char];
}

/** A character named by its code point, as `[U+202E]`. */
export function codePointLabel(char: string): string {
  const code = char.codePointAt(0) ?? 0;
  return `[U+${code.toString(16).toUpperCase().padStart(4, '0')}]`;
}
