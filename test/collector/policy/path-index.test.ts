import { describe, expect, it } from 'vitest';
import {
  compileGlobs,
  globProblem,
} from '../../../collector/policy/glob-rules.js';
import { PathIndex } from '../../../collector/policy/path-index.js';

/** Small deterministic PRNG (mulberry32) so failures can be replayed. */
function random(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const GLOB_PARTS = [
  'srv',
  'data',
  'a',
  'b',
  '.c',
  '*',
  '**',
  '?',
  'a*',
  '{a,b}',
  '[ab]',
];
const PATH_PARTS = ['srv', 'data', 'a', 'b', '.c', 'ab', 'x'];

function pick<T>(next: () => number, list: readonly T[]): T {
  return list[Math.floor(next() * list.length)] as T;
}

function randomPath(next: () => number, parts: readonly string[]): string {
  const depth = 1 + Math.floor(next() * 5);
  return `/${Array.from({ length: depth }, () => pick(next, parts)).join('/')}`;
}

describe('PathIndex', () => {
  describe('when globs of every shape are filed', () => {
    it('finds exactly the owners a test of every glob would find', () => {
      const next = random(20260304);
      const globs: string[] = [];
      while (globs.length < 300) {
        const glob = randomPath(next, GLOB_PARTS);
        if (globProblem(glob, 'absolute') === undefined) globs.push(glob);
      }
      const index = new PathIndex();
      const matchers = globs.map((glob) => compileGlobs([glob]));
      globs.forEach((glob, i) =>
        index.add(glob, matchers[i] ?? (() => false), i),
      );
      for (let n = 0; n < 2000; n++) {
        const path = randomPath(next, PATH_PARTS);
        const found: number[] = [];
        index.collect(path, found);
        const expected = matchers.flatMap((m, i) => (m(path) ? [i] : []));
        expect(
          found.sort((a, b) => a - b),
          path,
        ).toEqual(expected);
      }
    });
  });

  describe('when one owner has several matching globs', () => {
    it('reports the owner once', () => {
      const index = new PathIndex();
      index.add('/srv/**', compileGlobs(['/srv/**']), 7);
      index.add('/srv/a/*', compileGlobs(['/srv/a/*']), 7);
      const found: number[] = [];
      index.collect('/srv/a/b', found);
      expect(found).toEqual([7]);
    });
  });

  describe('when many globs sit under other prefixes', () => {
    it('tests only the globs along the path', () => {
      const index = new PathIndex();
      let tested = 0;
      for (let i = 0; i < 1000; i++) {
        const matches = compileGlobs([`/srv/t${i}/**`]);
        index.add(`/srv/t${i}/**`, (p) => (tested++, matches(p)), i);
      }
      const found: number[] = [];
      index.collect('/srv/t500/x/y.csv', found);
      expect(found).toEqual([500]);
      expect(tested).toBe(1);
    });
  });
});
