import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { PolicySet } from '../../../collector/policy/policy-set.js';
import {
  parsePolicyTests,
  runPolicyTests,
} from '../../../collector/policy/policy-tests.js';

const POLICIES = join(import.meta.dirname, '../../../policies');
const testFiles = readdirSync(POLICIES).filter((n) => n.endsWith('.test.yaml'));

describe('policies/', () => {
  describe('when every example policy is loaded together', () => {
    it('loads without error', () => {
      const set = PolicySet.load(POLICIES);
      expect(set.policies.map((p) => p.id)).toEqual([
        'bulk-read-exfiltration',
        'contract-end-acme-sub',
        'credential-files',
        'customer-personal-data',
        'customer-records',
        'finance-reports-acme-sub',
        'source-billing-acme-sub',
        'source-other-modules-acme-sub',
        'source-records-no-delete',
      ]);
    });
  });

  describe.each(testFiles)('when the cases of %s run', (testFile) => {
    const policyFile = join(
      POLICIES,
      testFile.replace(/\.test\.yaml$/, '.yaml'),
    );
    // demo.test.yaml has no policy of its name: it runs against them all.
    const against = testFile === 'demo.test.yaml' ? POLICIES : policyFile;
    const text = readFileSync(join(POLICIES, testFile), 'utf8');
    const cases = parsePolicyTests(testFile, text);

    it('has a policy file next to it, or is the demo, and some cases', () => {
      expect(existsSync(policyFile) || against === POLICIES).toBe(true);
      expect(cases.length).toBeGreaterThan(3);
    });

    it.each(cases.map((c) => [c.name, c] as const))('%s', (_name, testCase) => {
      const [result] = runPolicyTests(PolicySet.load(against), [testCase]);
      expect(result?.detail).toBeUndefined();
      expect(result?.passed).toBe(true);
    });
  });
});
