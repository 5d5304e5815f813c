import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runPolicyTestFiles } from '../../../collector/policy/test-files.js';
import { policyError } from './helpers.js';

const POLICIES = join(import.meta.dirname, '../../../policies');
const root = mkdtempSync(join(tmpdir(), 'vigil-policy-test-files-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

function dir(files: Record<string, string>): string {
  const path = mkdtempSync(join(root, 'd-'));
  for (const [name, text] of Object.entries(files)) {
    writeFileSync(join(path, name), text);
  }
  return path;
}

const docs =
  'id: docs\nseverity: low\npaths: [/srv/docs/**]\nallow: [{ name: readers, actions: [read] }]\n';
const code =
  'id: code\nseverity: high\npaths: [/srv/**]\ndeny: [{ name: frozen }]\n';
const readDoc =
  '- name: a read\n  event: { path: /srv/docs/a.md }\n  expect: allow\n';

describe('runPolicyTestFiles', () => {
  describe('when run on the example policies', () => {
    it('runs every case and all pass', () => {
      const reports = runPolicyTestFiles(POLICIES);
      expect(reports.map((r) => r.against)).toEqual([
        join(POLICIES, 'bulk-read-exfiltration.yaml'),
        join(POLICIES, 'contract-end-acme-sub.yaml'),
        join(POLICIES, 'credential-files.yaml'),
        join(POLICIES, 'customer-personal-data.yaml'),
        join(POLICIES, 'customer-records.yaml'),
        // demo.test.yaml has no demo.yaml: it runs against them all.
        POLICIES,
        join(POLICIES, 'finance-reports-acme-sub.yaml'),
        join(POLICIES, 'source-billing-acme-sub.yaml'),
        join(POLICIES, 'source-other-modules-acme-sub.yaml'),
        join(POLICIES, 'source-records-no-delete.yaml'),
      ]);
      const results = reports.flatMap((r) => r.results);
      expect(results.length).toBeGreaterThan(20);
      expect(results.filter((r) => !r.passed)).toEqual([]);
    });
  });

  describe('when a test file has a policy of its name', () => {
    it('runs its cases against that policy alone', () => {
      const path = dir({
        'docs.yaml': docs,
        'code.yaml': code,
        'docs.test.yaml': readDoc,
      });
      const [report] = runPolicyTestFiles(path);
      expect(report?.against).toBe(join(path, 'docs.yaml'));
      expect(report?.results.map((r) => r.passed)).toEqual([true]);
    });
  });

  describe('when a test file has no policy of its name', () => {
    it('runs its cases against every policy beside it', () => {
      const path = dir({
        'docs.yaml': docs,
        'code.yaml': code,
        'all.test.yaml': readDoc,
      });
      const [report] = runPolicyTestFiles(path);
      expect(report?.against).toBe(path);
      expect(report?.results[0]).toMatchObject({
        passed: false,
        detail: 'expected allow, got frozen',
      });
    });
  });

  describe('when given one test file', () => {
    it('runs only that file', () => {
      const path = dir({
        'docs.yaml': docs,
        'docs.test.yaml': readDoc,
        'x.test.yaml': '[',
      });
      const reports = runPolicyTestFiles(join(path, 'docs.test.yaml'));
      expect(reports.map((r) => r.file)).toEqual([
        join(path, 'docs.test.yaml'),
      ]);
    });
  });

  describe('when something is wrong', () => {
    it('refuses a directory without test files', () => {
      const path = dir({ 'docs.yaml': docs });
      const error = policyError(
        () => runPolicyTestFiles(path),
        'VIGIL_POLICY_TEST_NONE',
      );
      expect(error.file).toBe(path);
    });

    it('refuses a malformed test file, naming it', () => {
      const path = dir({
        'docs.yaml': docs,
        'docs.test.yaml': '- { name: a }\n',
      });
      const error = policyError(
        () => runPolicyTestFiles(path),
        'VIGIL_POLICY_TEST_INVALID',
      );
      expect(error.file).toBe(join(path, 'docs.test.yaml'));
    });

    it('refuses when a policy beside the tests does not load', () => {
      const path = dir({
        'docs.yaml': docs,
        'bad.yaml': 'id: [',
        'docs.test.yaml': readDoc,
      });
      policyError(() => runPolicyTestFiles(path), 'VIGIL_POLICY_YAML_INVALID');
    });

    it('refuses a missing directory', () => {
      policyError(
        () => runPolicyTestFiles(join(root, 'missing')),
        'VIGIL_POLICY_UNREADABLE',
      );
    });
  });
});
