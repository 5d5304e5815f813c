import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  MemoryNodes,
  MerkleError,
  MerkleLog,
  emptyRoot,
  leafHash,
  nodeHash,
  verifyConsistency,
  verifyInclusion,
} from '../../protocol/merkle.js';
import { expectError } from './merkle-helpers.js';

const DATA = Array.from({ length: 8 }, (_, i) => Buffer.from(`batch ${i}`));

function logOf(count: number): MerkleLog {
  const log = new MerkleLog(new MemoryNodes());
  for (const data of DATA.slice(0, count)) log.append(leafHash(data));
  return log;
}

describe('Merkle proof pitfalls', () => {
  const log = logOf(8);
  const hashes = DATA.map((d) => leafHash(d));

  describe('when the leaf index equals the tree size', () => {
    it('is refused as an argument, even with a proof that would chain', () => {
      // The proof of leaf 7 in the tree of 8 hashes to the root whatever
      // index with the same low bits is claimed; the index check stops it.
      const proof = log.inclusionProof(7, 8);
      const error = expectError(
        () => verifyInclusion(hashes[7] as Buffer, 8, 8, proof, log.root(8)),
        MerkleError,
        'VIGIL_MERKLE_ARGUMENT_INVALID',
      );
      expect(error.message).toBe(
        'inclusion proof for leaf 8 in tree of size 8: ' +
          'the leaf index is not below the size',
      );
    });
  });

  describe('when a consistency proof starts from size 0', () => {
    // RFC 9162 2.1.4.2 defines proofs for 0 < first < second only: every
    // tree extends the empty one, so a proof could bind nothing.
    it('refuses 0 → n as an argument, with or without a proof', () => {
      for (const proof of [[], [log.root(8)]]) {
        expectError(
          () => verifyConsistency(0, 8, proof, emptyRoot(), log.root(8)),
          MerkleError,
          'VIGIL_MERKLE_ARGUMENT_INVALID',
        );
      }
    });

    it('accepts 0 → 0 only with an empty proof and the empty root twice', () => {
      verifyConsistency(0, 0, [], emptyRoot(), emptyRoot());
      const other = log.root(1);
      for (const [proof, r1, r2] of [
        [[emptyRoot()], emptyRoot(), emptyRoot()],
        [[], other, other],
        [[], emptyRoot(), other],
      ] as const) {
        expectError(
          () => verifyConsistency(0, 0, proof, r1, r2),
          MerkleError,
          'VIGIL_MERKLE_PROOF_INVALID',
        );
      }
    });
  });

  describe('when one inclusion proof is offered for two tree sizes', () => {
    // Leaf 0's path in the tree of 3 is [h1, h2]; in the tree of 4 it is
    // [h1, MTH(D[2:4])]: the same length, so only the hashes tell them apart.
    const proof = log.inclusionProof(0, 3);
    const leaf = hashes[0] as Buffer;

    it('verifies for the size it was made for', () => {
      verifyInclusion(leaf, 0, 3, proof, log.root(3));
    });

    it("is refused for the other size with that size's root", () => {
      for (const size of [2, 4, 5, 8]) {
        const error = expectError(
          () => verifyInclusion(leaf, 0, size, proof, log.root(size)),
          MerkleError,
          'VIGIL_MERKLE_PROOF_INVALID',
        );
        expect(error.message).toMatch(
          new RegExp(`^inclusion proof for leaf 0 in tree of size ${size}: `),
        );
      }
    });

    it("cannot see a size paired with another size's root: take both from one checkpoint", () => {
      // Sizes 3 and 4 give leaf 0 paths of the same shape, so the pair
      // (4, root of 3) passes. The checkpoint signature is what binds a
      // root to its size; callers must never mix the two.
      expect(() =>
        verifyInclusion(leaf, 0, 4, proof, log.root(3)),
      ).not.toThrow();
    });
  });

  describe('when an interior node is presented as a leaf', () => {
    // Second preimage: in a tree hashed without prefixes the node over
    // leaves 0 and 1 is SHA-256(h0 || h1), so the 64 bytes h0 || h1 pass as
    // one leaf of a 2-leaf tree with the same root as the 4-leaf tree.
    const sha = (...parts: Buffer[]) =>
      createHash('sha256').update(Buffer.concat(parts)).digest();
    const raw = DATA.slice(0, 4).map((d) => sha(d));
    const [r0, r1, r2, r3] = raw as [Buffer, Buffer, Buffer, Buffer];
    const forged = Buffer.concat([r0, r1]);

    it('fools a tree built without the 0x00/0x01 prefixes', () => {
      const unprefixedRoot = sha(sha(r0, r1), sha(r2, r3));
      // The forged "leaf" at index 0 of size 2 chains to the same root.
      expect(sha(sha(forged), sha(r2, r3))).toEqual(unprefixedRoot);
    });

    it('does not verify as a leaf of the prefixed tree', () => {
      const tree = logOf(4);
      const [h0, h1] = hashes as [Buffer, Buffer];
      const interior = Buffer.concat([h0, h1]);
      const proof = [nodeHash(hashes[2] as Buffer, hashes[3] as Buffer)];
      expect(nodeHash(h0, h1)).not.toEqual(leafHash(interior));
      expectError(
        () => verifyInclusion(leafHash(interior), 0, 2, proof, tree.root(4)),
        MerkleError,
        'VIGIL_MERKLE_PROOF_INVALID',
      );
    });
  });

  describe('when a proof does not verify', () => {
    it('says which leaf, which size and which roots, in short hex', () => {
      const proof = log.inclusionProof(5, 8);
      const wrong = log.root(7);
      const error = expectError(
        () => verifyInclusion(hashes[5] as Buffer, 5, 8, proof, wrong),
        MerkleError,
        'VIGIL_MERKLE_PROOF_INVALID',
      );
      const short = (b: Buffer) => `${b.toString('hex').slice(0, 8)}…`;
      expect(error.message).toBe(
        `inclusion proof for leaf 5 in tree of size 8: computed root ` +
          `${short(log.root(8))} differs from ${short(wrong)}`,
      );
    });

    it('says when a proof has too many or too few hashes', () => {
      const proof = log.consistencyProof(3, 8);
      const roots = [log.root(3), log.root(8)] as const;
      const long = expectError(
        () => verifyConsistency(3, 8, [...proof, proof[0] as Buffer], ...roots),
        MerkleError,
        'VIGIL_MERKLE_PROOF_INVALID',
      );
      expect(long.message).toContain('more than the tree needs');
      const short = expectError(
        () => verifyConsistency(3, 8, proof.slice(1), ...roots),
        MerkleError,
        'VIGIL_MERKLE_PROOF_INVALID',
      );
      expect(short.message).toContain('fewer than the tree needs');
    });

    it('refuses proof elements that are not 32 bytes', () => {
      const proof = log.inclusionProof(2, 8);
      const cut = [...proof.slice(0, -1), (proof.at(-1) as Buffer).subarray(1)];
      const error = expectError(
        () => verifyInclusion(hashes[2] as Buffer, 2, 8, cut, log.root(8)),
        MerkleError,
        'VIGIL_MERKLE_PROOF_INVALID',
      );
      expect(error.message).toContain('proof element 2 has 31 bytes');
    });
  });
});
