import { createHash } from 'node:crypto';
import { expect } from 'vitest';
import type { VigilError } from '../../protocol/errors.js';

/** Runs `fn`, asserts it threw a `type` error with `code`, returns it. */
export function expectError<E extends VigilError>(
  fn: () => unknown,
  type: new (...args: never[]) => E,
  code: E['code'],
): E {
  let thrown: unknown = undefined;
  try {
    fn();
  } catch (error) {
    thrown = error;
  }
  expect(thrown, `expected ${code} to be thrown`).toBeInstanceOf(type);
  expect((thrown as E).code).toBe(code);
  return thrown as E;
}

// An independent, deliberately naive reading of RFC 6962 section 2.1,
// written from the RFC's recursive definitions, to check MerkleLog against.

const sha256 = (...parts: Uint8Array[]) => {
  const hash = createHash('sha256');
  for (const part of parts) hash.update(part);
  return hash.digest();
};

/** SHA-256(0x00 || data). */
export const naiveLeaf = (data: Uint8Array) => sha256(Buffer.from([0]), data);

const naiveNode = (left: Uint8Array, right: Uint8Array) =>
  sha256(Buffer.from([1]), left, right);

// k: the largest power of two smaller than n (n > 1).
const split = (n: number) => 2 ** Math.ceil(Math.log2(n) - 1);

/** MTH(D[n]) over leaf hashes. */
export function naiveRoot(leaves: readonly Buffer[]): Buffer {
  if (leaves.length === 0) return sha256();
  if (leaves.length === 1) return leaves[0] as Buffer;
  const k = split(leaves.length);
  return naiveNode(naiveRoot(leaves.slice(0, k)), naiveRoot(leaves.slice(k)));
}

/** PATH(m, D[n]). */
export function naivePath(m: number, leaves: readonly Buffer[]): Buffer[] {
  if (leaves.length <= 1) return [];
  const k = split(leaves.length);
  return m < k
    ? [...naivePath(m, leaves.slice(0, k)), naiveRoot(leaves.slice(k))]
    : [...naivePath(m - k, leaves.slice(k)), naiveRoot(leaves.slice(0, k))];
}

/** SUBTREE_SUBPROOF(start, end, D[n], known) of the MTC draft, 4.4.1. */
export function naiveSubtreeProof(
  start: number,
  end: number,
  leaves: readonly Buffer[],
  known = true,
): Buffer[] {
  const n = leaves.length;
  if (start === 0 && end === n) return known ? [] : [naiveRoot(leaves)];
  const k = split(n);
  const left = leaves.slice(0, k);
  const right = leaves.slice(k);
  if (end <= k) {
    return [...naiveSubtreeProof(start, end, left, known), naiveRoot(right)];
  }
  if (k <= start) {
    const sub = naiveSubtreeProof(start - k, end - k, right, known);
    return [...sub, naiveRoot(left)];
  }
  return [...naiveSubtreeProof(0, end - k, right, false), naiveRoot(left)];
}

/** PROOF(m, D[n]) = SUBPROOF(m, D[n], true) of RFC 6962 section 2.1.2. */
export function naiveConsistency(
  m: number,
  leaves: readonly Buffer[],
  known = true,
): Buffer[] {
  const n = leaves.length;
  if (m === n) return known ? [] : [naiveRoot(leaves)];
  const k = split(n);
  return m <= k
    ? [
        ...naiveConsistency(m, leaves.slice(0, k), known),
        naiveRoot(leaves.slice(k)),
      ]
    : [
        ...naiveConsistency(m - k, leaves.slice(k), false),
        naiveRoot(leaves.slice(0, k)),
      ];
}

/** Leaf hashes of `count` distinct leaves. */
export function leaves(count: number): Buffer[] {
  return Array.from({ length: count }, (_, i) =>
    naiveLeaf(Buffer.from(`batch ${i}`)),
  );
}

/** Whether [start, end) is an MTC-draft subtree, computed by brute force. */
export function naiveIsSubtree(start: number, end: number): boolean {
  if (start >= end) return false;
  let ceil = 1;
  while (ceil < end - start) ceil *= 2;
  return start % ceil === 0;
}
