import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { POLICY_FILE_MAX_BYTES } from '../../../collector/policy/policy-files.js';
import { PolicySet } from '../../../collector/policy/policy-set.js';
import { event, policyError } from './helpers.js';

const root = mkdtempSync(join(tmpdir(), 'vigil-policy-load-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

/** A fresh directory holding `files` (name → text or bytes). */
function dir(files: Record<string, string | Buffer>): string {
  const path = mkdtempSync(join(root, 'd-'));
  for (const [name, content] of Object.entries(files)) {
    writeFileSync(join(path, name), content);
  }
  return path;
}

const policyText = (id: string, extra = ''): string =>
  `id: ${id}\nseverity: low\npaths: [/srv/${id}/**]\n${extra}`;
const sha256 = (data: string | Buffer): string =>
  createHash('sha256').update(data).digest('hex');

describe('PolicySet.load', () => {
  describe('when given a directory', () => {
    const crlf = Buffer.from(policyText('b').replace(/\n/g, '\r\n'));
    const path = dir({
      'c.yml': policyText('c', 'vendors: [acme-sub]\n'),
      'b.yaml': crlf,
      'a.yaml': policyText('a'),
      'a.test.yaml': '- not a policy',
      'notes.txt': 'not yaml',
    });
    mkdirSync(join(path, 'sub.yaml'));
    writeFileSync(join(path, 'sub.yaml', 'd.yaml'), policyText('d'));
    const set = PolicySet.load(path);

    it('reads *.yaml and *.yml in name order, skipping tests and subfolders', () => {
      expect(set.policies.map((p) => p.id)).toEqual(['a', 'b', 'c']);
      expect(set.policies[0]?.file).toBe(join(path, 'a.yaml'));
    });

    it("hashes each file's exact bytes", () => {
      expect(set.policies[1]?.hash).toBe(sha256(crlf));
      expect(set.evaluate(event({ path: '/srv/b/x' }))[0]?.policyHash).toBe(
        sha256(crlf),
      );
    });

    it('exposes paths and vendors, null meaning every vendor', () => {
      expect(set.policies[2]).toMatchObject({
        paths: ['/srv/c/**'],
        vendors: ['acme-sub'],
      });
      expect(set.policies[0]?.vendors).toBeNull();
    });
  });

  describe('when given a single file', () => {
    it('loads just that file', () => {
      const path = dir({
        'x.yaml': policyText('x'),
        'y.yaml': policyText('y'),
      });
      const set = PolicySet.load(join(path, 'x.yaml'));
      expect(set.policies.map((p) => p.id)).toEqual(['x']);
    });
  });

  describe('when the directory holds no policy', () => {
    it('loads an empty set that flags nothing', () => {
      const set = PolicySet.load(dir({}));
      expect(set.policies).toEqual([]);
      expect(set.evaluate(event())).toEqual([]);
    });
  });

  describe('when a file cannot be loaded', () => {
    it('refuses a path that does not exist', () => {
      const error = policyError(
        () => PolicySet.load(join(root, 'missing')),
        'VIGIL_POLICY_UNREADABLE',
      );
      expect(error.message).toContain('cannot be read (ENOENT)');
    });

    it('refuses a file over the size limit', () => {
      const big =
        policyText('big') + `# ${'x'.repeat(POLICY_FILE_MAX_BYTES)}\n`;
      const path = dir({ 'big.yaml': big });
      policyError(() => PolicySet.load(path), 'VIGIL_POLICY_TOO_LARGE');
      policyError(
        () => PolicySet.fromDocuments([{ file: 'big.yaml', text: big }]),
        'VIGIL_POLICY_TOO_LARGE',
      );
    });

    it('refuses bytes that are not UTF-8', () => {
      const latin1 = Buffer.from(
        policyText('x', 'description: caf\xe9\n'),
        'latin1',
      );
      const error = policyError(
        () => PolicySet.load(dir({ 'x.yaml': latin1 })),
        'VIGIL_POLICY_YAML_INVALID',
      );
      expect(error.message).toMatch(/x\.yaml: is not UTF-8 text$/);
    });

    it('throws instead of returning a partial set, leaving the old set intact', () => {
      const good = PolicySet.load(dir({ 'a.yaml': policyText('a') }));
      const mixed = dir({ 'a.yaml': policyText('a'), 'b.yaml': 'id: [' });
      policyError(() => PolicySet.load(mixed), 'VIGIL_POLICY_YAML_INVALID');
      expect(good.evaluate(event({ path: '/srv/a/1' }))).toHaveLength(1);
    });
  });
});

describe('PolicySet.fromDocuments', () => {
  describe('when given texts', () => {
    it('hashes each as its UTF-8 bytes', () => {
      const text = policyText('u', 'description: 客户记录\n');
      const set = PolicySet.fromDocuments([{ file: 'u.yaml', text }]);
      expect(set.policies[0]?.hash).toBe(sha256(Buffer.from(text, 'utf8')));
      expect(set.policies[0]?.hash).toMatch(/^[0-9a-f]{64}$/);
    });
  });
});

describe('PolicySet.pathsForVendor', () => {
  const set = PolicySet.fromDocuments([
    { file: 'a.yaml', text: policyText('a') },
    { file: 'b.yaml', text: policyText('b', 'vendors: [acme-sub]\n') },
    {
      file: 'c.yaml',
      text: 'id: c\nseverity: low\npaths: [/srv/a/**, /srv/c/*.csv]\nvendors: [acme, acme-sub]\n',
    },
  ]);

  describe('when a vendor is named by some policies', () => {
    it('returns their globs and those of vendor-less policies, once each', () => {
      expect(set.pathsForVendor('acme-sub')).toEqual([
        '/srv/a/**',
        '/srv/b/**',
        '/srv/c/*.csv',
      ]);
    });
  });

  describe('when a vendor is named by none', () => {
    it('returns only the globs of vendor-less policies', () => {
      expect(set.pathsForVendor('other')).toEqual(['/srv/a/**']);
    });
  });
});
