import { existsSync, statSync } from 'node:fs';
import { dirname } from 'node:path';
import { PolicyError } from './errors.js';
import { listFiles, readPolicySource } from './policy-files.js';
import { PolicySet } from './policy-set.js';
import {
  parsePolicyTests,
  type PolicyTestResult,
  runPolicyTests,
} from './policy-tests.js';

/** The cases of one `*.test.yaml` file and how they fared. */
export interface PolicyTestFileReport {
  file: string;
  /** The policy file the cases ran against, or the directory (all). */
  against: string;
  results: PolicyTestResult[];
}

const TEST_FILE = /\.test\.ya?ml$/;

/**
 * Runs every `*.test.yaml` / `*.test.yml` directly in `dirOrFile` (or that
 * one test file). The cases of `x.test.yaml` run against `x.yaml` (or
 * `x.yml`) alone when it exists, else against every policy beside it.
 * Every policy of the directory must load, or this throws its PolicyError.
 */
export function runPolicyTestFiles(dirOrFile: string): PolicyTestFileReport[] {
  const single = isFile(dirOrFile);
  const dir = single ? dirname(dirOrFile) : dirOrFile;
  const testFiles = single ? [dirOrFile] : listTestFiles(dir);
  if (testFiles.length === 0) {
    throw new PolicyError(
      'VIGIL_POLICY_TEST_NONE',
      'holds no *.test.yaml files',
      { file: dir },
    );
  }
  const whole = PolicySet.load(dir);
  return testFiles.map((file) => {
    const { text } = readPolicySource(file);
    const cases = parsePolicyTests(file, text);
    const policyFile = siblingPolicy(file);
    const set = policyFile === undefined ? whole : PolicySet.load(policyFile);
    return {
      file,
      against: policyFile ?? dir,
      results: runPolicyTests(set, cases),
    };
  });
}

function siblingPolicy(testFile: string): string | undefined {
  const stem = testFile.replace(TEST_FILE, '');
  return ['.yaml', '.yml']
    .map((ext) => `${stem}${ext}`)
    .find((file) => existsSync(file));
}

function isFile(path: string): boolean {
  try {
    return statSync(path).isFile();
  } catch (cause) {
    throw unreadable(path, cause);
  }
}

function listTestFiles(dir: string): string[] {
  return listFiles(dir, (name) => TEST_FILE.test(name));
}

function unreadable(path: string, cause: unknown): PolicyError {
  const code = (cause as NodeJS.ErrnoException | undefined)?.code;
  return new PolicyError(
    'VIGIL_POLICY_UNREADABLE',
    `cannot be read${code ? ` (${code})` : ''}`,
    { file: path },
    { cause },
  );
}
