import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import {
  installRules,
  listRules,
  missingRules,
  removeRules,
  restoreRules,
} from '../../../agent/audit/rules.js';
import { requireLiveAudit, SKIP_LIVE } from './live.js';

describe('installRules', () => {
  describe('when a path or key is unusable', () => {
    it.each([
      ['a relative path', ['data'], 'VIGIL_AUDIT_PATH_INVALID'],
      ['a missing path', ['/nonexistent/vigil'], 'VIGIL_AUDIT_PATH_INVALID'],
      ['a path auditctl misreads', ['/tmp/a!=b'], 'VIGIL_AUDIT_PATH_INVALID'],
      ['a path with a newline', ['/tmp/a\nb'], 'VIGIL_AUDIT_PATH_INVALID'],
    ])('rejects %s before touching the kernel', async (_why, paths, code) => {
      await expect(installRules(paths, 'vigil')).rejects.toMatchObject({
        code,
      });
    });

    it('rejects a key auditctl could not list back', async () => {
      await expect(installRules(['/tmp'], 'a key')).rejects.toMatchObject({
        code: 'VIGIL_AUDIT_KEY_INVALID',
      });
    });
  });
});

describe.skipIf(SKIP_LIVE)('audit rules in the kernel (live)', () => {
  const key = `vigil-r${process.pid}`;
  let dir: string;

  beforeAll(() => {
    requireLiveAudit();
    dir = mkdtempSync(join(tmpdir(), 'vigil-rules-'));
    writeFileSync(join(dir, 'file'), 'x');
  });

  afterAll(async () => {
    await removeRules(key).catch(() => undefined);
    rmSync(dir, { recursive: true, force: true });
  });

  describe('when rules are installed for a directory and a file', () => {
    it('lists one rule each, excluding this process', async () => {
      await installRules([dir, join(dir, 'file')], key);
      const rules = await listRules(key);
      expect(rules).toHaveLength(2);
      expect(rules[0]).toContain(`dir=${dir}`);
      expect(rules[1]).toContain(`path=${join(dir, 'file')}`);
      for (const rule of rules) {
        expect(rule).toContain(`pid!=${process.pid}`);
        expect(rule).toContain('perm=rwxa');
      }
    });

    it('replaces them when installed again', async () => {
      await installRules([dir], key);
      expect(await listRules(key)).toHaveLength(1);
    });
  });

  describe('when the rules are removed', () => {
    it('leaves no rule under the key and others untouched', async () => {
      const other = `${key}-other`;
      await installRules([dir], other);
      await removeRules(key);
      expect(await listRules(key)).toEqual([]);
      expect(await listRules(other)).toHaveLength(1);
      await removeRules(other);
    });
  });

  describe('when the rules of an earlier process are loaded', () => {
    it('replaces them with rules excluding this process', async () => {
      await removeRules(key);
      const old = ['-F', `dir=${dir}`, '-F', 'perm=rwxa', '-F', 'pid!=1'];
      execFileSync('auditctl', ['-a', 'always,exit', ...old, '-k', key]);
      await installRules([dir], key);
      const rules = await listRules(key);
      expect(rules).toHaveLength(1);
      expect(rules[0]).toContain(`pid!=${process.pid}`);
    });
  });

  describe('when one rule of this process is deleted', () => {
    it('names its path as missing and restores it alone', async () => {
      const file = join(dir, 'file');
      await installRules([dir, file], key);
      const before = await listRules(key);
      execFileSync('auditctl', [
        ...['-d', 'always,exit', '-F', `path=${file}`, '-F', 'perm=rwxa'],
        ...['-F', `pid!=${process.pid}`, '-k', key],
      ]);
      expect(await missingRules([dir, file], key)).toEqual([file]);
      await restoreRules([file], key);
      expect(await missingRules([dir, file], key)).toEqual([]);
      expect((await listRules(key)).sort()).toEqual(before.sort());
    });
  });
});
