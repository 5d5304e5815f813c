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
        'customer-records',
        'finance-reports-acme-sub',
      ]);
    });
  });

  describe.each(testFiles)('when the cases of %s run', (testFile) => {
    const policyFile = join(
      POLICIES,
      testFile.replace(/\.test\.yaml$/, '.yaml'),
    );
    const text = readFileSync(join(POLICIES, testFile), 'utf8');
    const cases = parsePolicyTests(testFile, text);

    it('has a policy file next to it and some cases', () => {
      expect(existsSync(policyFile)).toBe(true);
      expect(cases.length).toBeGreaterThan(3);
    });

    it.each(cases.map((c) => [c.name, c] as const))('%s', (_name, testCase) => {
      const [result] = runPolicyTests(PolicySet.load(policyFile), [testCase]);
      expect(result?.detail).toBeUndefined();
      expect(result?.passed).toBe(true);
    });
  });
});
