import type { CST } from 'yaml';

/**
 * Deepest nesting of collections accepted in a policy, test or config file. Real
 * files need about five levels (policy → allow → rule → schedule → days).
 */
export const YAML_DEPTH_MAX = 32;

/**
 * The collection depth of parsed CST tokens, counted without recursion and
 * given up at just past `YAML_DEPTH_MAX`. yaml's composer recurses once per
 * level; a file of a thousand nested "- " exhausts the stack, and V8 may
 * then abort the whole process while compiling a regex. The CST parser
 * itself keeps an explicit stack, so measuring first is safe.
 */
export function cstDepth(tokens: readonly CST.Token[]): number {
  const pending: [CST.Token | undefined, number][] = tokens.map((t) => [t, 0]);
  let deepest = 0;
  for (let next = pending.pop(); next; next = pending.pop()) {
    const [token, depth] = next;
    if (token === undefined) continue;
    deepest = Math.max(deepest, depth);
    if (deepest > YAML_DEPTH_MAX) return deepest;
    if (token.type === 'document') pending.push([token.value, depth]);
    if ('items' in token && Array.isArray(token.items)) {
      for (const item of token.items as CollectionItem[]) {
        pending.push([item.key ?? undefined, depth + 1]);
        pending.push([item.value, depth + 1]);
      }
    }
  }
  return deepest;
}

interface CollectionItem {
  key?: CST.Token | null;
  value?: CST.Token;
}
