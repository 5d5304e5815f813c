import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  MemoryNodes,
  MerkleError,
  MerkleLog,
  type MerkleNodes,
  emptyRoot,
  leafHash,
  nodeHash,
  verifyConsistency,
  verifyInclusion,
  verifySubtreeConsistency,
  verifySubtreeInclusion,
} from '../../protocol/merkle.js';
import {
  expectError,
  leaves,
  naiveConsistency,
  naiveIsSubtree,
  naiveLeaf,
  naivePath,
  naiveRoot,
  naiveSubtreeProof,
} from './merkle-helpers.js';

const MAX = 70;
const LEAVES = leaves(MAX);

function logOf(
  hashes: readonly Buffer[],
  nodes: MerkleNodes = new MemoryNodes(),
) {
  const log = new MerkleLog(nodes);
  for (const hash of hashes) log.append(hash);
  return log;
}

// A node store that counts what MerkleLog asks of it.
class CountingNodes extends MemoryNodes {
  gets = 0;
  puts = 0;
  override get(level: number, index: number) {
    this.gets++;
    return super.get(level, index);
  }
  override put(level: number, index: number, hash: Buffer) {
    this.puts++;
    super.put(level, index, hash);
  }
}

const hex = (list: readonly Buffer[]) => list.map((b) => b.toString('hex'));

describe('leafHash and nodeHash', () => {
  it('prefix 0x00 for leaves and 0x01 for nodes (RFC 6962 2.1)', () => {
    const data = Buffer.from('batch');
    expect(leafHash(data)).toEqual(naiveLeaf(data));
    const [a, b] = LEAVES as [Buffer, Buffer];
    const manual = createHash('sha256')
      .update(Buffer.concat([Buffer.from([1]), a, b]))
      .digest();
    expect(nodeHash(a, b)).toEqual(manual);
  });

  it('gives the empty tree the hash of the empty string', () => {
    expect(emptyRoot().toString('hex')).toBe(
      'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
    );
  });
});

describe('MerkleLog', () => {
  const log = logOf(LEAVES);

  describe(`when built to every size from 1 to ${MAX}`, () => {
    it('has the root of a naive RFC 6962 MTH at every historical size', () => {
      for (let size = 0; size <= MAX; size++) {
        const want = naiveRoot(LEAVES.slice(0, size));
        expect(log.root(size)).toEqual(want);
        expect(logOf(LEAVES.slice(0, size)).root()).toEqual(want);
      }
    });

    it('makes inclusion proofs that equal PATH and verify', () => {
      let checked = 0;
      for (let size = 1; size <= MAX; size++) {
        const root = log.root(size);
        for (let index = 0; index < size; index++) {
          const proof = log.inclusionProof(index, size);
          expect(hex(proof)).toEqual(
            hex(naivePath(index, LEAVES.slice(0, size))),
          );
          verifyInclusion(LEAVES[index] as Buffer, index, size, proof, root);
          checked++;
        }
      }
      expect(checked).toBe((MAX * (MAX + 1)) / 2);
    });

    it('makes consistency proofs that equal PROOF and verify', () => {
      let checked = 0;
      for (let size2 = 1; size2 <= MAX; size2++) {
        for (let size1 = 1; size1 <= size2; size1++) {
          const proof = log.consistencyProof(size1, size2);
          const want = naiveConsistency(size1, LEAVES.slice(0, size2));
          expect(hex(proof)).toEqual(hex(want));
          verifyConsistency(
            size1,
            size2,
            proof,
            log.root(size1),
            log.root(size2),
          );
          checked++;
        }
      }
      expect(checked).toBe((MAX * (MAX + 1)) / 2);
    });
  });

  describe('when proving subtrees (MTC draft section 4)', () => {
    const SIZE = 40;
    const subtrees: [number, number][] = [];
    for (let end = 1; end <= SIZE; end++) {
      for (let start = 0; start < end; start++) {
        if (naiveIsSubtree(start, end)) subtrees.push([start, end]);
      }
    }

    it('hashes each subtree as the MTH of its leaves', () => {
      for (const [start, end] of subtrees) {
        expect(log.subtreeHash(start, end)).toEqual(
          naiveRoot(LEAVES.slice(start, end)),
        );
      }
    });

    it('makes subtree consistency proofs that equal SUBTREE_PROOF and verify', () => {
      let checked = 0;
      for (let size = 1; size <= SIZE; size++) {
        for (const [start, end] of subtrees.filter(([, e]) => e <= size)) {
          const proof = log.subtreeConsistencyProof(start, end, size);
          const want = naiveSubtreeProof(start, end, LEAVES.slice(0, size));
          expect(hex(proof)).toEqual(hex(want));
          const hash = log.subtreeHash(start, end);
          verifySubtreeConsistency(
            start,
            end,
            size,
            proof,
            hash,
            log.root(size),
          );
          checked++;
        }
      }
      expect(checked).toBeGreaterThan(1000);
    });

    it('makes subtree inclusion proofs that verify for every leaf', () => {
      for (const [start, end] of subtrees) {
        const hash = log.subtreeHash(start, end);
        for (let index = start; index < end; index++) {
          const proof = log.subtreeInclusionProof(index, start, end);
          const leaf = LEAVES[index] as Buffer;
          verifySubtreeInclusion(leaf, index, start, end, proof, hash);
        }
      }
    });

    it('refuses a subtree proof with any bit of any hash flipped', () => {
      for (const [start, end] of [
        [8, 13],
        [4, 8],
        [0, 6],
        [12, 14],
      ] as const) {
        const proof = log.subtreeConsistencyProof(start, end, 14);
        expect(proof.length).toBeGreaterThan(0);
        const hash = log.subtreeHash(start, end);
        proof.forEach((element, i) => {
          const flipped = Buffer.from(element);
          flipped.writeUInt8(flipped.readUInt8(31) ^ 1, 31);
          const bad = proof.with(i, flipped);
          expectError(
            () =>
              verifySubtreeConsistency(start, end, 14, bad, hash, log.root(14)),
            MerkleError,
            'VIGIL_MERKLE_PROOF_INVALID',
          );
        });
      }
    });
  });

  describe('when backed by a node store', () => {
    it('stores about two nodes per leaf (amortised O(1) puts)', () => {
      const nodes = new CountingNodes();
      logOf(leaves(1024), nodes);
      // 1024 leaves + 1023 interior nodes of the perfect tree.
      expect(nodes.puts).toBe(2047);
    });

    it('proves from stored perfect subtrees in O(log² n) reads', () => {
      const nodes = new CountingNodes();
      const big = logOf(leaves(1000), nodes);
      nodes.gets = 0;
      big.inclusionProof(637, 999);
      big.consistencyProof(333, 999);
      big.root(777);
      // log2(1000) < 10: each of the three needs well under 10² reads.
      expect(nodes.gets).toBeLessThan(3 * 100);
    });

    it('continues from a store already holding leaves', () => {
      const nodes = new MemoryNodes();
      logOf(LEAVES.slice(0, 37), nodes);
      const resumed = new MerkleLog(nodes, 37);
      for (const hash of LEAVES.slice(37)) resumed.append(hash);
      expect(resumed.size).toBe(MAX);
      expect(resumed.root()).toEqual(naiveRoot(LEAVES));
      expect(resumed.root(37)).toEqual(naiveRoot(LEAVES.slice(0, 37)));
    });

    it('names the node when the store has lost one', () => {
      const nodes = new MemoryNodes();
      logOf(LEAVES.slice(0, 8), nodes);
      const broken: MerkleNodes = {
        get: (level, index) =>
          level === 1 && index === 2 ? undefined : nodes.get(level, index),
        put: (level, index, hash) => nodes.put(level, index, hash),
      };
      const error = expectError(
        () => new MerkleLog(broken, 8).root(6),
        MerkleError,
        'VIGIL_MERKLE_NODE_MISSING',
      );
      expect(error.message).toContain('level 1 index 2 (leaves 4 to 5)');
    });

    it('refuses a stored node that is not 32 bytes', () => {
      const nodes = new MemoryNodes();
      logOf(LEAVES.slice(0, 4), nodes);
      nodes.put(2, 0, Buffer.alloc(31));
      expectError(
        () => new MerkleLog(nodes, 4).root(),
        MerkleError,
        'VIGIL_MERKLE_NODE_MISSING',
      );
    });
  });

  describe('when asked for something that cannot exist', () => {
    const small = logOf(LEAVES.slice(0, 8));
    const cases: [string, () => unknown][] = [
      ['a root beyond the size', () => small.root(9)],
      ['a leaf at the tree size', () => small.inclusionProof(8, 8)],
      ['a leaf beyond the tree size', () => small.inclusionProof(9, 8)],
      ['a proof for a size beyond the log', () => small.inclusionProof(0, 9)],
      [
        'a consistency proof from a larger size',
        () => small.consistencyProof(5, 3),
      ],
      ['a consistency proof from size 0', () => small.consistencyProof(0, 5)],
      ['a negative size', () => small.root(-1)],
      ['a fractional index', () => small.inclusionProof(1.5, 8)],
      ['a size beyond 2^53', () => new MerkleLog(new MemoryNodes(), 2 ** 53)],
      ['a leaf hash of 31 bytes', () => small.append(Buffer.alloc(31))],
      ['a range that is not a subtree', () => small.subtreeHash(2, 6)],
      ['an empty subtree', () => small.subtreeHash(3, 3)],
      ['a subtree beyond the log', () => small.subtreeHash(8, 16)],
      [
        'a subtree beyond the proof size',
        () => small.subtreeConsistencyProof(4, 8, 6),
      ],
      [
        'a leaf outside its subtree',
        () => small.subtreeInclusionProof(3, 4, 8),
      ],
    ];
    for (const [what, fn] of cases) {
      it(`refuses ${what} with VIGIL_MERKLE_ARGUMENT_INVALID`, () => {
        expectError(fn, MerkleError, 'VIGIL_MERKLE_ARGUMENT_INVALID');
      });
    }

    it('gives an empty proof between equal sizes, also for size 0', () => {
      expect(small.consistencyProof(5, 5)).toEqual([]);
      expect(small.consistencyProof(0, 0)).toEqual([]);
      verifyConsistency(0, 0, [], small.root(0), emptyRoot());
    });
  });
});
