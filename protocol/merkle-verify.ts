import {
  argumentInvalid,
  bitCeil,
  half,
  lsb,
  proofInvalid,
  requireCount,
  requireHash,
  requireProofHashes,
} from './merkle-args.js';
import { emptyRoot, nodeHash, shortHex } from './merkle-hash.js';

/**
 * Checks that `proof` (RFC 6962 PATH) shows the leaf with hash `leaf` at
 * `index` in the tree of `size` leaves whose root is `root`, following
 * RFC 9162 section 2.1.3.2. Throws VIGIL_MERKLE_ARGUMENT_INVALID when the
 * index is not below the size or the leaf hash is not 32 bytes, and
 * VIGIL_MERKLE_PROOF_INVALID when the proof does not lead to `root`.
 */
export function verifyInclusion(
  leaf: Uint8Array,
  index: number,
  size: number,
  proof: readonly Uint8Array[],
  root: Uint8Array,
): void {
  requireCount(index, 'leaf index');
  requireCount(size, 'tree size');
  const context = `inclusion proof for leaf ${index} in tree of size ${size}`;
  if (index >= size) {
    throw argumentInvalid(`${context}: the leaf index is not below the size`);
  }
  requireHash(leaf, `${context}: the leaf hash`);
  const computed = evaluateInclusion(leaf, index, size, proof, context);
  requireEqual(computed, root, `${context}: computed root`);
}

/**
 * Checks that `proof` (RFC 6962 PROOF) shows the tree of `size1` leaves
 * with root `root1` is a prefix of the tree of `size2` leaves with root
 * `root2`, following RFC 9162 section 2.1.4.2.
 *
 * Equal sizes need an empty proof and equal roots (for size 0, both must be
 * the empty tree's root). A proof from size 0 to a larger size is refused
 * with VIGIL_MERKLE_ARGUMENT_INVALID: RFC 9162 defines proofs only for
 * 0 < size1 < size2, since every tree extends the empty one and such a
 * proof could not bind `root2` to anything.
 */
export function verifyConsistency(
  size1: number,
  size2: number,
  proof: readonly Uint8Array[],
  root1: Uint8Array,
  root2: Uint8Array,
): void {
  requireCount(size1, 'first tree size');
  requireCount(size2, 'second tree size');
  const context = `consistency proof from size ${size1} to size ${size2}`;
  if (size1 > size2) {
    throw argumentInvalid(`${context}: the first size is the larger one`);
  }
  if (size1 === size2) {
    checkEqualSizes(size1, proof, root1, root2, context);
    return;
  }
  if (size1 === 0) {
    throw argumentInvalid(
      `${context}: every tree extends the empty tree, so there is nothing ` +
        'to prove (RFC 9162 defines proofs for 0 < size1 < size2)',
    );
  }
  requireProofHashes(proof, context);
  const [fr, sr] = evaluateConsistency(size1, size2, proof, root1, context);
  requireEqual(fr, root1, `${context}: computed first root`);
  requireEqual(sr, root2, `${context}: computed second root`);
}

/**
 * RFC 9162 section 2.1.3.2 steps 2 to 5: the root that `proof` leads to
 * from the leaf at `index` of a tree of `size` leaves (index < size).
 */
export function evaluateInclusion(
  leaf: Uint8Array,
  index: number,
  size: number,
  proof: readonly Uint8Array[],
  context: string,
): Buffer {
  requireProofHashes(proof, context);
  let fn = index;
  let sn = size - 1;
  let r: Buffer = Buffer.from(leaf);
  for (const p of proof) {
    if (sn === 0) throw proofInvalid(`${context}: ${tooMany(proof)}`);
    if (lsb(fn) || fn === sn) {
      r = nodeHash(p, r);
      while (!lsb(fn) && fn !== 0) {
        fn = half(fn);
        sn = half(sn);
      }
    } else {
      r = nodeHash(r, p);
    }
    fn = half(fn);
    sn = half(sn);
  }
  if (sn !== 0) throw proofInvalid(`${context}: ${tooFew(proof)}`);
  return r;
}

// RFC 9162 section 2.1.4.2 steps 1 to 7 for 0 < size1 < size2: the first
// and second roots the proof leads to.
function evaluateConsistency(
  size1: number,
  size2: number,
  proof: readonly Uint8Array[],
  root1: Uint8Array,
  context: string,
): [Buffer, Buffer] {
  if (proof.length === 0) throw proofInvalid(`${context}: the proof is empty`);
  // When size1 is a power of two its root is a node of the second tree,
  // so the proof leaves it out and the verifier starts from it.
  const path = bitCeil(size1) === size1 ? [root1, ...proof] : proof;
  let fn = size1 - 1;
  let sn = size2 - 1;
  while (lsb(fn)) {
    fn = half(fn);
    sn = half(sn);
  }
  let fr: Buffer = Buffer.from(path[0] as Uint8Array);
  let sr = fr;
  for (const c of path.slice(1)) {
    if (sn === 0) throw proofInvalid(`${context}: ${tooMany(proof)}`);
    if (lsb(fn) || fn === sn) {
      fr = nodeHash(c, fr);
      sr = nodeHash(c, sr);
      while (!lsb(fn) && fn !== 0) {
        fn = half(fn);
        sn = half(sn);
      }
    } else {
      sr = nodeHash(sr, c);
    }
    fn = half(fn);
    sn = half(sn);
  }
  if (sn !== 0) throw proofInvalid(`${context}: ${tooFew(proof)}`);
  return [fr, sr];
}

function checkEqualSizes(
  size: number,
  proof: readonly Uint8Array[],
  root1: Uint8Array,
  root2: Uint8Array,
  context: string,
): void {
  if (proof.length !== 0) {
    throw proofInvalid(
      `${context}: the sizes are equal, so the proof must be empty, ` +
        `not ${proof.length} hashes`,
    );
  }
  requireEqual(root2, root1, `${context}: the sizes are equal but root`);
  if (size === 0) requireEqual(root1, emptyRoot(), `${context}: root`);
}

/** Throws VIGIL_MERKLE_PROOF_INVALID "<what> X differs from Y". */
export function requireEqual(
  computed: Uint8Array,
  expected: Uint8Array,
  what: string,
): void {
  if (!Buffer.from(computed).equals(expected)) {
    throw proofInvalid(
      `${what} ${shortHex(computed)} differs from ${shortHex(expected)}`,
    );
  }
}

export function tooMany(proof: readonly Uint8Array[]): string {
  return `the proof has ${proof.length} hashes, more than the tree needs`;
}

export function tooFew(proof: readonly Uint8Array[]): string {
  return `the proof has ${proof.length} hashes, fewer than the tree needs`;
}
