/* Text into HTML: every value a report shows passes through here. */

const ENTITIES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

/** Text as HTML that shows exactly it, in an element or an attribute. */
export function esc(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ENTITIES[c] ?? c);
}

// C0 and C1 controls, and the marks, isolates and overrides that reorder
// or hide text (a file named "invoice\u202Efdp.exe" reads "invoiceexe.pdf").
const HIDDEN =
  // eslint-disable-next-line no-control-regex -- control characters are the point
  /[\u0000-\u001f\u007f-\u009f\u061c\u200b-\u200f\u2028-\u202e\u2060-\u2069\ufeff]/gu;

const NAMED: Record<string, string> = { '\n': '\\n', '\r': '\\r', '\t': '\\t' };

/**
 * Text a vendor chose (paths, users, notes) as HTML: escaped, with every
 * character that could hide or reorder what a reader sees shown as a
 * visible marker instead of obeyed.
 */
export function shown(text: string): string {
  return esc(text).replace(HIDDEN, (c) => {
    const code = c.codePointAt(0) ?? 0;
    const label =
      NAMED[c] ?? `[U+${code.toString(16).toUpperCase().padStart(4, '0')}]`;
    return `<span class="ctl">${label}</span>`;
  });
}
