/* Text into HTML: every value a report shows passes through here. */

import { codePointLabel, markHidden, namedEscape } from '../hidden-chars.js';

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

/**
 * Text a vendor chose (paths, users, notes) as HTML: escaped, with every
 * character that could hide or reorder what a reader sees shown as a
 * visible marker instead of obeyed.
 */
export function shown(text: string): string {
  return markHidden(esc(text), (c) => {
    const label = namedEscape(c) ?? codePointLabel(c);
    return `<span class="ctl">${label}</span>`;
  });
}
