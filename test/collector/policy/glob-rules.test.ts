import picomatch from 'picomatch';
import { describe, expect, it } from 'vitest';
import {
  compileGlobs,
  globProblem,
} from '../../../collector/policy/glob-rules.js';

const ACCEPTED = [
  '/srv/data/**',
  '/srv/data',
  '/home/*/projects/**',
  '/srv/a?b',
  '/srv/[a-z]x',
  '/srv/[^.]*',
  '/srv/*.{csv,xlsx}',
  '/srv/{eu,us}/{a,b}.csv',
  '/srv/**/secret/**',
  '/srv/*report*.csv',
  '/srv/c++/x',
  '/srv/~$*',
  '/srv/a b/#x@y!z',
  '/srv/数据/客户/**',
];

const REJECTED: [string, string][] = [
  ['', 'is empty'],
  ['srv/**', 'must be an absolute path'],
  ['/srv//x', 'empty segment'],
  ['/srv/x/', 'empty segment'],
  ['/srv/./x', '. or .. segment'],
  ['/srv/../x', '. or .. segment'],
  ['/srv/x**', '** must stand alone'],
  ['/srv/***', '** must stand alone'],
  ['/srv/*a*b*', 'has 3 * in one segment'],
  ['/srv/**/a/**/b/**', 'has 3 ** segments'],
  ['/srv/+(a|b)', 'extglobs'],
  ['/srv/!(a)', 'extglobs'],
  ['/srv/@(a)', 'extglobs'],
  ['/srv/a\\*', 'escapes'],
  ['/srv/a\tb', 'control characters'],
  ['/srv/[!a]', 'plain class'],
  ['/srv/[[:alpha:]]', 'plain class'],
  ['/srv/[a', 'plain class'],
  ['/srv/a]', 'plain class'],
  ['/srv/[z-a]', 'can never match'],
  ['/srv/{a,b', 'unbalanced or nested brace'],
  ['/srv/{a,{b,c}}', 'unbalanced or nested brace'],
  ['/srv/{a}', 'without a comma'],
  ['/srv/{1..9}', 'brace range'],
  ['/srv/{a*,b}', 'wildcard inside a brace group'],
  [
    `/srv/{${Array.from({ length: 33 }, (_, i) => `a${i}`).join(',')}}`,
    '33 brace alternatives',
  ],
  [`/${'a'.repeat(1030)}`, 'the limit is 1024'],
];

describe('globProblem', () => {
  describe.each(ACCEPTED)('when a glob is %s', (glob) => {
    it('accepts it', () => {
      expect(globProblem(glob, 'absolute')).toBeUndefined();
    });
  });

  describe.each(REJECTED)('when a glob is %j', (glob, says) => {
    it(`refuses it: ${says}`, () => {
      expect(globProblem(glob, 'absolute')).toContain(says);
    });
  });

  describe('when an except glob starts with **/', () => {
    it('accepts it there but not as a path', () => {
      expect(globProblem('**/*.tmp', 'except')).toBeUndefined();
      expect(globProblem('**/*.tmp', 'absolute')).toContain('absolute');
      expect(globProblem('*.tmp', 'except')).toContain('/ or **/');
    });
  });
});

describe('compileGlobs', () => {
  describe('when matching', () => {
    it('matches dot files and anywhere-below except globs', () => {
      const below = compileGlobs(['/srv/data/**']);
      expect(below('/srv/data/.git/config')).toBe(true);
      expect(below('/srv/data')).toBe(true);
      expect(below('/srv/database')).toBe(false);
      const tmp = compileGlobs(['**/*.tmp', '/srv/x/*.bak']);
      expect(tmp('/srv/data/a/b/.x.tmp')).toBe(true);
      expect(tmp('/srv/x/a.bak')).toBe(true);
      expect(tmp('/srv/x/y/a.bak')).toBe(false);
    });

    it('matches file names holding line breaks, which a vendor can choose', () => {
      for (const name of ['a\nb.csv', 'a\rb.csv', 'x\u2028y.csv']) {
        expect(compileGlobs(['/srv/data/**'])(`/srv/data/d/${name}`)).toBe(
          true,
        );
        expect(compileGlobs(['/srv/data/*.csv'])(`/srv/data/${name}`)).toBe(
          true,
        );
        expect(compileGlobs(['/srv/**', '/x/**'])(`/srv/${name}`)).toBe(true);
      }
    });

    it('treats brackets, braces and ? as documented', () => {
      expect(compileGlobs(['/srv/[^.]*'])('/srv/.x')).toBe(false);
      expect(compileGlobs(['/srv/[a-c]?'])('/srv/bz')).toBe(true);
      expect(compileGlobs(['/srv/*.{csv,xlsx}'])('/srv/q.xlsx')).toBe(true);
    });
  });

  // How long such a match takes is a benchmark figure (bench/glob-worst.ts,
  // `npm run bench --only glob-worst`): tests assert no timings.
  describe('when a hostile agent sends a path built to backtrack', () => {
    const segment = 'a'.repeat(255);
    const wide = `/srv/${Array.from({ length: 15 }, () => segment).join('/')}`;
    const deep = `/srv${'/a'.repeat(2040)}`;

    it.each([
      ['/srv/**/a/**/b', deep],
      ['/srv/**/*a*a/**/b', wide],
      ['/srv/*a*b', `/srv/${segment}`],
      ['**/a/**/b', deep],
    ])('admits %s and answers no match', (glob, path) => {
      expect(globProblem(glob, 'except')).toBeUndefined();
      expect(compileGlobs([glob])(path)).toBe(false);
    });
  });

  describe('when a glob is a plain directory tree (dir/**)', () => {
    // Origin: names an agent could send, odd ones included, every mix of
    // them up to four segments deep below and beside the directory.
    const PIECES = ['a', '.', '..', '.b', '..c', '', 'x\ny', 'z\u2028', 'dir'];
    const names: string[] = [];
    const grow = (path: string, depth: number): void => {
      names.push(path);
      if (depth === 0) return;
      for (const piece of PIECES) grow(`${path}/${piece}`, depth - 1);
    };
    grow('/srv/dir', 4);
    names.push('/srv/dirx/a', '/srv', '/srv/', '/srv/di', '/srv/dir\n');

    it('agrees with picomatch on every name', () => {
      const fast = compileGlobs(['/srv/dir/**']);
      const regex = picomatch.makeRe('/srv/dir/**', {
        dot: true,
        noextglob: true,
      });
      // Line breaks are ordinary characters of a name (the s flag).
      const dotAll = new RegExp(regex.source, `${regex.flags}s`);
      const differ = names.filter((name) => fast(name) !== dotAll.test(name));
      expect(names.length).toBeGreaterThan(7000);
      expect(differ).toEqual([]);
    });

    it('matches the directory itself and what lies below it', () => {
      const tree = compileGlobs(['/srv/data/team-1/**']);
      expect(tree('/srv/data/team-1')).toBe(true);
      expect(tree('/srv/data/team-1/a/.hidden/b.csv')).toBe(true);
      expect(tree('/srv/data/team-10/a.csv')).toBe(false);
      expect(tree('/srv/data/team-1/../etc/passwd')).toBe(false);
    });
  });
});
