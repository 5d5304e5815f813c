import {
  argumentInvalid,
  half,
  isValidSubtree,
  lsb,
  proofInvalid,
  requireCount,
  requireHash,
  requireProofHashes,
} from './merkle-args.js';
import { emptyRoot, nodeHash } from './merkle-hash.js';
import {
  evaluateInclusion,
  requireEqual,
  tooFew,
  tooMany,
} from './merkle-verify.js';

// Subtrees and their proofs as defined by the Merkle Tree Certificates
// draft (draft-ietf-plants-merkle-tree-certs, section 4): a subtree
// [start, end) is one node of the tree, its hash MTH(D[start:end]).

/**
 * Checks that `proof` shows the leaf with hash `leaf` at `index` inside the
 * subtree [start, end) whose hash is `subtreeHash` (MTC draft 4.3.3: an
 * RFC 9162 inclusion proof for leaf index - start of the subtree's leaves).
 */
export function verifySubtreeInclusion(
  leaf: Uint8Array,
  index: number,
  start: number,
  end: number,
  proof: readonly Uint8Array[],
  subtreeHash: Uint8Array,
): void {
  requireCount(index, 'leaf index');
  const context = `inclusion proof for leaf ${index} in subtree ${range(
    requireCount(start, 'subtree start'),
    requireCount(end, 'subtree end'),
  )}`;
  requireSubtree(start, end, context);
  if (index < start || index >= end) {
    throw argumentInvalid(`${context}: the leaf is outside the subtree`);
  }
  requireHash(leaf, `${context}: the leaf hash`);
  const size = end - start;
  const computed = evaluateInclusion(leaf, index - start, size, proof, context);
  requireEqual(computed, subtreeHash, `${context}: computed subtree hash`);
}

/**
 * Checks that `proof` (SUBTREE_PROOF of MTC draft 4.4.1) shows the subtree
 * [start, end) with hash `subtreeHash` inside the tree of `size` leaves
 * whose root is `root`, following MTC draft section 4.4.3. With start = 0
 * this is an RFC 6962 consistency proof from size `end`.
 *
 * An empty range [s, s) with s <= size is accepted as the test vectors of
 * transparency-dev/merkle do: the proof must be empty and `subtreeHash` the
 * empty tree's root; `root` is not examined, as every tree holds it.
 */
export function verifySubtreeConsistency(
  start: number,
  end: number,
  size: number,
  proof: readonly Uint8Array[],
  subtreeHash: Uint8Array,
  root: Uint8Array,
): void {
  const context = `consistency proof for subtree ${range(
    requireCount(start, 'subtree start'),
    requireCount(end, 'subtree end'),
  )} in tree of size ${requireCount(size, 'tree size')}`;
  if (end > size) {
    throw argumentInvalid(`${context}: the subtree ends after the tree`);
  }
  if (start === end) {
    checkEmptySubtree(proof, subtreeHash, context);
    return;
  }
  requireSubtree(start, end, context);
  requireProofHashes(proof, context);
  const [fr, sr] = evaluate(start, end, size, proof, subtreeHash, context);
  requireEqual(fr, subtreeHash, `${context}: computed subtree hash`);
  requireEqual(sr, root, `${context}: computed root`);
}

// MTC draft section 4.4.3 steps 2 to 7: the subtree hash and the root the
// proof leads to. fn, sn and tn walk up from the subtree's first leaf, its
// last leaf and the tree's last leaf.
function evaluate(
  start: number,
  end: number,
  size: number,
  proof: readonly Uint8Array[],
  subtreeHash: Uint8Array,
  context: string,
): [Buffer, Buffer] {
  const at = { fn: start, sn: end - 1, tn: size - 1 };
  const up = () => {
    at.fn = half(at.fn);
    at.sn = half(at.sn);
    at.tn = half(at.tn);
  };
  if (at.sn === at.tn) {
    while (at.fn !== at.sn) up();
  } else {
    while (at.fn !== at.sn && lsb(at.sn)) up();
  }
  let rest = proof;
  let seed = subtreeHash;
  if (at.fn !== at.sn) {
    // The subtree is not one node of this tree: the proof starts with the
    // node where its right edge joins the tree.
    const [first, ...others] = proof;
    if (first === undefined) {
      throw proofInvalid(`${context}: the proof is empty`);
    }
    seed = first;
    rest = others;
  }
  let fr: Buffer = Buffer.from(seed);
  let sr = fr;
  for (const c of rest) {
    if (at.tn === 0) throw proofInvalid(`${context}: ${tooMany(proof)}`);
    if (lsb(at.sn) || at.sn === at.tn) {
      if (at.fn < at.sn) fr = nodeHash(c, fr);
      sr = nodeHash(c, sr);
      while (!lsb(at.sn) && at.sn !== 0) up();
    } else {
      sr = nodeHash(sr, c);
    }
    up();
  }
  if (at.tn !== 0) throw proofInvalid(`${context}: ${tooFew(proof)}`);
  return [fr, sr];
}

function checkEmptySubtree(
  proof: readonly Uint8Array[],
  subtreeHash: Uint8Array,
  context: string,
): void {
  if (proof.length !== 0) {
    throw proofInvalid(
      `${context}: an empty subtree needs an empty proof, ` +
        `not ${proof.length} hashes`,
    );
  }
  requireEqual(subtreeHash, emptyRoot(), `${context}: empty subtree hash`);
}

function requireSubtree(start: number, end: number, context: string): void {
  if (!isValidSubtree(start, end)) {
    throw argumentInvalid(
      `${context}: not a subtree (start must be below end and a multiple ` +
        'of the smallest power of two at or above end - start)',
    );
  }
}

function range(start: number, end: number): string {
  return `[${start}, ${end})`;
}
