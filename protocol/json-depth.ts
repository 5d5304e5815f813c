/**
 * Deepest nesting of arrays and objects accepted in one event of a batch.
 * An event needs three levels (event → user → groups); only `detail`, a
 * free-form object, can go deeper, and a few levels more are plenty.
 */
export const EVENT_DEPTH_MAX = 16;

/**
 * The nesting depth of a parsed JSON value (a scalar is 0, `{}` and `[]`
 * are 1), counted without recursion and given up just past `limit`.
 * JSON.parse builds values of any depth without recursing, but everything
 * that later walks them does recurse: canonical JSON, the forwarders and
 * the bundle verifier. A value a thousand levels deep passes on a worker
 * thread, whose stack is larger, and then exhausts the main thread's.
 */
export function jsonDepth(value: unknown, limit: number): number {
  const pending: [unknown, number][] = [[value, 0]];
  let deepest = 0;
  for (let next = pending.pop(); next; next = pending.pop()) {
    const [node, depth] = next;
    if (typeof node !== 'object' || node === null) continue;
    deepest = Math.max(deepest, depth + 1);
    if (deepest > limit) return deepest;
    for (const child of Object.values(node)) pending.push([child, depth + 1]);
  }
  return deepest;
}
