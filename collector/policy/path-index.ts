import type { Matcher } from './glob-rules.js';
import { literalPrefix } from './glob-rules.js';

interface Entry {
  owner: number;
  matches: Matcher;
}

interface TrieNode {
  children: Map<string, TrieNode>;
  entries: Entry[];
}

/**
 * Globs filed under their literal directory prefix, in a trie over path
 * segments: a lookup walks the path once and tests only the globs whose
 * prefix it passes, so its cost grows with path depth, not glob count.
 */
export class PathIndex {
  private readonly root: TrieNode = newNode();

  /** Files `glob` (compiled as `matches`) for `owner`, e.g. a policy index. */
  add(glob: string, matches: Matcher, owner: number): void {
    let node = this.root;
    for (const segment of literalPrefix(glob)) {
      let child = node.children.get(segment);
      if (child === undefined) {
        child = newNode();
        node.children.set(segment, child);
      }
      node = child;
    }
    node.entries.push({ owner, matches });
  }

  /**
   * Pushes onto `into` each owner with a glob that matches `path`, once.
   * With `accept`, owners whose byte in it is not 1 are skipped before
   * their glob is tested.
   */
  collect(path: string, into: number[], accept?: Uint8Array): void {
    let node: TrieNode | undefined = this.root;
    let start = path.startsWith('/') ? 1 : 0;
    while (node !== undefined) {
      for (const entry of node.entries) {
        if (accept !== undefined && accept[entry.owner] !== 1) continue;
        if (into.includes(entry.owner)) continue;
        if (entry.matches(path)) into.push(entry.owner);
      }
      if (start > path.length) break;
      let end = path.indexOf('/', start);
      if (end === -1) end = path.length;
      node = node.children.get(path.slice(start, end));
      start = end + 1;
    }
  }
}

function newNode(): TrieNode {
  return { children: new Map(), entries: [] };
}
