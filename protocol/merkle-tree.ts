import {
  argumentInvalid,
  isValidSubtree,
  largestPowerOfTwoBelow,
  requireCount,
  requireHash,
} from './merkle-args.js';
import { MerkleError } from './merkle-error.js';
import { MERKLE_HASH_BYTES, emptyRoot, nodeHash } from './merkle-hash.js';

/**
 * Where a MerkleLog keeps its nodes. (level, index) names the perfect
 * subtree of 2^level leaves that starts at leaf index * 2^level; level 0
 * holds the leaf hashes. Only perfect subtrees are ever stored, so a node,
 * once written, never changes: the collector can back this with an
 * append-only SQLite table, an exporter with memory.
 */
export interface MerkleNodes {
  get(level: number, index: number): Buffer | undefined;
  put(level: number, index: number, hash: Buffer): void;
}

/** MerkleNodes in memory, for exporters, verifiers and tests. */
export class MemoryNodes implements MerkleNodes {
  readonly #levels: Buffer[][] = [];

  get(level: number, index: number): Buffer | undefined {
    return this.#levels[level]?.[index];
  }

  put(level: number, index: number, hash: Buffer): void {
    (this.#levels[level] ??= [])[index] = hash;
  }
}

/**
 * An append-only RFC 6962 Merkle tree over a MerkleNodes store. Roots and
 * proofs can be made for any size up to the current one, from the stored
 * perfect subtrees alone: O(log n) node reads for a root, O(log² n) for a
 * proof.
 */
export class MerkleLog {
  readonly #nodes: MerkleNodes;
  #size: number;

  /** `size`: how many leaves `nodes` already holds (default 0). */
  constructor(nodes: MerkleNodes, size = 0) {
    this.#nodes = nodes;
    this.#size = requireCount(size, 'tree size');
  }

  /** The number of leaves. */
  get size(): number {
    return this.#size;
  }

  /**
   * Adds a leaf hash (see leafHash) and stores every perfect subtree it
   * completes: one put plus one per subtree closed, two on average. Returns
   * the leaf's index. If a put throws, the size stays as it was and a retry
   * rewrites the same nodes, so the caller's transaction may be rolled back.
   */
  append(leaf: Uint8Array): number {
    requireHash(leaf, 'leaf hash');
    const index = this.#size;
    let hash: Buffer = Buffer.from(leaf);
    let level = 0;
    let at = index;
    this.#nodes.put(level, at, hash);
    while (at % 2 === 1) {
      hash = nodeHash(this.#node(level, at - 1), hash);
      level += 1;
      at = (at - 1) / 2;
      this.#nodes.put(level, at, hash);
    }
    this.#size = index + 1;
    return index;
  }

  /** MTH of the first `size` leaves (default all); SHA-256("") for 0. */
  root(size = this.#size): Buffer {
    this.#requireSize(size, 'tree size');
    return size === 0 ? emptyRoot() : this.#rangeHash(0, size);
  }

  /** RFC 6962 PATH(index, D[size]): the audit path of one leaf. */
  inclusionProof(index: number, size: number): Buffer[] {
    this.#requireSize(size, 'tree size');
    if (requireCount(index, 'leaf index') >= size) {
      throw argumentInvalid(
        `inclusion proof for leaf ${index} in tree of size ${size}: ` +
          'the leaf index is not below the size',
      );
    }
    return this.#proof(index, index + 1, 0, size);
  }

  /**
   * RFC 6962 PROOF(size1, D[size2]); empty when the sizes are equal. A
   * proof from size 0 to a larger size is refused (see verifyConsistency).
   */
  consistencyProof(size1: number, size2: number): Buffer[] {
    this.#requireSize(size2, 'second tree size');
    const context = `consistency proof from size ${size1} to size ${size2}`;
    if (requireCount(size1, 'first tree size') > size2) {
      throw argumentInvalid(`${context}: the first size is the larger one`);
    }
    if (size1 === size2) return [];
    if (size1 === 0) {
      throw argumentInvalid(`${context}: there is nothing to prove`);
    }
    return this.#proof(0, size1, 0, size2);
  }

  /** MTH(D[start:end]) of the subtree [start, end) (MTC draft 4.1). */
  subtreeHash(start: number, end: number): Buffer {
    this.#requireSubtree(start, end);
    return this.#rangeHash(start, end);
  }

  /** Inclusion proof of leaf `index` in the subtree [start, end). */
  subtreeInclusionProof(index: number, start: number, end: number): Buffer[] {
    this.#requireSubtree(start, end);
    requireCount(index, 'leaf index');
    if (index < start || index >= end) {
      throw argumentInvalid(
        `leaf ${index} is outside the subtree [${start}, ${end})`,
      );
    }
    return this.#proof(index, index + 1, start, end);
  }

  /** SUBTREE_PROOF(start, end, D[size]) of MTC draft section 4.4.1. */
  subtreeConsistencyProof(start: number, end: number, size: number): Buffer[] {
    this.#requireSubtree(start, end);
    this.#requireSize(size, 'tree size');
    if (end > size) {
      throw argumentInvalid(
        `subtree [${start}, ${end}) ends after the tree of size ${size}`,
      );
    }
    return this.#proof(start, end, 0, size);
  }

  // SUBTREE_SUBPROOF unrolled: walks down from [lo, hi) to the node that is
  // [start, end) (or, when [start, end) is not one node of this tree, to
  // the node its right edge ends in), collecting the sibling of each step.
  // Proofs list siblings bottom-up. [lo, hi) is itself a subtree.
  #proof(start: number, end: number, lo: number, hi: number): Buffer[] {
    const siblings: Buffer[] = [];
    let known = true;
    while (start !== lo || end !== hi) {
      const mid = lo + largestPowerOfTwoBelow(hi - lo);
      if (end <= mid) {
        siblings.push(this.#rangeHash(mid, hi));
        hi = mid;
      } else {
        siblings.push(this.#rangeHash(lo, mid));
        // start < mid < end happens only when start = lo: the subtree
        // covers the left half, and its rest continues on the right.
        if (start < mid) [start, known] = [mid, false];
        lo = mid;
      }
    }
    if (!known) siblings.push(this.#rangeHash(lo, hi));
    return siblings.reverse();
  }

  // MTH(D[start:end]) of a subtree, folded right to left from the perfect
  // subtrees it splits into (largest first): RFC 6962 splits at the
  // largest power of two below the size, which is the first of them.
  #rangeHash(start: number, end: number): Buffer {
    const parts: Buffer[] = [];
    for (let at = start; at < end;) {
      let width = 1;
      let level = 0;
      while (width * 2 <= end - at) [width, level] = [width * 2, level + 1];
      parts.push(this.#node(level, at / width));
      at += width;
    }
    let hash = parts.pop() as Buffer;
    while (parts.length > 0) hash = nodeHash(parts.pop() as Buffer, hash);
    return hash;
  }

  #node(level: number, index: number): Buffer {
    const hash = this.#nodes.get(level, index);
    if (hash?.length !== MERKLE_HASH_BYTES) {
      const what = hash === undefined ? 'no hash' : `${hash.length} bytes`;
      throw new MerkleError(
        'VIGIL_MERKLE_NODE_MISSING',
        `the node store holds ${what} for level ${level} index ${index} ` +
          `(leaves ${index * 2 ** level} to ${(index + 1) * 2 ** level - 1})`,
      );
    }
    return hash;
  }

  #requireSize(size: number, what: string): void {
    if (requireCount(size, what) > this.#size) {
      throw argumentInvalid(
        `${what} ${size} is larger than the log (${this.#size} leaves)`,
      );
    }
  }

  #requireSubtree(start: number, end: number): void {
    requireCount(start, 'subtree start');
    this.#requireSize(end, 'subtree end');
    if (!isValidSubtree(start, end)) {
      throw argumentInvalid(`[${start}, ${end}) is not a subtree`);
    }
  }
}
