import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import {
  MerkleError,
  type MerkleErrorCode,
  verifyConsistency,
  verifyInclusion,
  verifySubtreeConsistency,
  verifySubtreeInclusion,
} from '../../protocol/merkle.js';
import { expectError, naiveIsSubtree } from './merkle-helpers.js';

// Test vectors of transparency-dev/merkle (testdata/, Apache-2.0), copied
// unchanged into the shared corpus; see SOURCES.md there. Every file is
// one case with `wantErr`. Sizes above 2^53 - 1 (there are a few, such as
// leafIdx 2^64 - 1) parse as unsafe numbers and must be refused as
// arguments, which is what those cases expect.

const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));
const CORPUS_DIR = join(REPO_ROOT, '../shared/corpus/merkle');
const HAVE_CORPUS = existsSync(CORPUS_DIR);
if (!HAVE_CORPUS) {
  console.warn(`merkle vector tests skipped: ${CORPUS_DIR} is absent`);
}

type Vector = Record<string, unknown> & {
  desc: string;
  wantErr: boolean;
  proof: string[] | null;
};

const FAMILIES = {
  inclusion: runInclusion,
  consistency: runConsistency,
  subtreeinclusion: runSubtreeInclusion,
  subtreeconsistency: runSubtreeConsistency,
} satisfies Record<string, (v: Vector) => [() => void, MerkleErrorCode]>;

function files(family: string): string[] {
  if (!HAVE_CORPUS) return [];
  return readdirSync(join(CORPUS_DIR, family), { recursive: true })
    .map(String)
    .filter((name) => name.endsWith('.json'))
    .sort();
}

const b64 = (value: unknown) => Buffer.from(String(value), 'base64');
const proofOf = (v: Vector) => (v.proof ?? []).map(b64);
const num = (v: Vector, key: string) => v[key] as number;
// Whether the numbers alone make the case impossible: an argument error.
const unsafe = (...values: number[]) =>
  values.some((value) => !Number.isSafeInteger(value));
const code = (argument: boolean): MerkleErrorCode =>
  argument ? 'VIGIL_MERKLE_ARGUMENT_INVALID' : 'VIGIL_MERKLE_PROOF_INVALID';

function runInclusion(v: Vector): [() => void, MerkleErrorCode] {
  const [index, size] = [num(v, 'leafIdx'), num(v, 'treeSize')];
  const leaf = b64(v.leafHash);
  const run = () => verifyInclusion(leaf, index, size, proofOf(v), b64(v.root));
  return [
    run,
    code(unsafe(index, size) || index >= size || leaf.length !== 32),
  ];
}

function runConsistency(v: Vector): [() => void, MerkleErrorCode] {
  const [size1, size2] = [num(v, 'size1'), num(v, 'size2')];
  const run = () =>
    verifyConsistency(size1, size2, proofOf(v), b64(v.root1), b64(v.root2));
  const fromEmpty = size1 === 0 && size2 > 0;
  return [run, code(unsafe(size1, size2) || size1 > size2 || fromEmpty)];
}

function runSubtreeInclusion(v: Vector): [() => void, MerkleErrorCode] {
  const [index, start, end] = [
    num(v, 'leafIdx'),
    num(v, 'start'),
    num(v, 'end'),
  ];
  const leaf = b64(v.leafHash);
  const run = () =>
    verifySubtreeInclusion(leaf, index, start, end, proofOf(v), b64(v.root));
  const argument =
    unsafe(index, start, end) ||
    !naiveIsSubtree(start, end) ||
    !(start <= index && index < end) ||
    leaf.length !== 32;
  return [run, code(argument)];
}

function runSubtreeConsistency(v: Vector): [() => void, MerkleErrorCode] {
  const [start, end, size] = [num(v, 'start'), num(v, 'end'), num(v, 'size')];
  const [root1, root2] = [b64(v.root1), b64(v.root2)];
  const run = () =>
    verifySubtreeConsistency(start, end, size, proofOf(v), root1, root2);
  // An empty range is accepted by these vectors (see the function's doc).
  const argument =
    unsafe(start, end, size) ||
    end > size ||
    (start !== end && !naiveIsSubtree(start, end));
  return [run, code(argument)];
}

describe('Merkle proof verification against transparency-dev vectors', () => {
  it.skipIf(!HAVE_CORPUS)('finds all 518 vector files', () => {
    const counts = Object.keys(FAMILIES).map((f) => files(f).length);
    expect(counts).toEqual([98, 98, 204, 118]);
  });

  for (const [family, prepare] of Object.entries(FAMILIES)) {
    describe(`when checking ${family}/`, () => {
      const names = files(family);
      if (names.length === 0) it.skip('the corpus is absent', () => {});
      for (const name of names) {
        const vector = JSON.parse(
          readFileSync(join(CORPUS_DIR, family, name), 'utf8'),
        ) as Vector;
        const verdict = vector.wantErr ? 'is refused' : 'verifies';
        it(`${name} ${verdict} (${vector.desc})`, () => {
          const [run, errorCode] = prepare(vector);
          if (vector.wantErr) expectError(run, MerkleError, errorCode);
          else expect(run).not.toThrow();
        });
      }
    });
  }
});
