import { type Command, InvalidArgumentError } from 'commander';
import { readEventFile } from '../collector/policy/event-file.js';
import { hasErrors, lintPolicyFiles } from '../collector/policy/lint.js';
import {
  isCalendarDate,
  parseInstant,
} from '../collector/policy/local-time.js';
import { PolicySet } from '../collector/policy/policy-set.js';
import { runPolicyTestFiles } from '../collector/policy/test-files.js';
import {
  formatExplanation,
  formatLintFinding,
  formatLintSummary,
  formatTestFailure,
  formatTestSummary,
} from './policy-format.js';
import { registerReplay } from './policy-replay.js';
import { EXIT_FAILURE } from './run-cli.js';

export * from './policy-format.js';

/**
 * `vigil policy lint|test|explain|replay`: tools for people who write
 * policies.
 */
export function registerPolicyCommands(program: Command): void {
  const policy = program
    .command('policy')
    .description('check, test and explain policies');
  registerLint(policy);
  registerTest(policy);
  registerExplain(policy);
  registerReplay(policy);
}

function registerLint(policy: Command): void {
  policy
    .command('lint')
    .description('check policies for schema errors and likely mistakes')
    .argument('<path>', 'a policy file or a directory of policies')
    .option(
      '--roots <dirs...>',
      'designated roots the agents watch; warn about paths outside them',
      collectRoot,
    )
    .option('--now <time>', 'judge `until` at this time (RFC 3339)', parseNow)
    .option('--json', 'print the findings as a JSON array')
    .action(
      (
        path: string,
        opts: { roots?: string[]; now?: number; json?: boolean },
      ) => {
        const report = lintPolicyFiles(path, {
          roots: opts.roots,
          now: opts.now,
        });
        if (opts.json) {
          console.log(JSON.stringify(report.findings, null, 2));
        } else {
          for (const finding of report.findings) {
            console.log(formatLintFinding(finding));
          }
          console.log(formatLintSummary(report));
        }
        if (hasErrors(report)) process.exitCode = EXIT_FAILURE;
      },
    );
}

function registerTest(policy: Command): void {
  policy
    .command('test')
    .description('run the *.test.yaml cases next to the policies')
    .argument('<dir>', 'a policy directory (or one *.test.yaml file)')
    .action((dir: string) => {
      const reports = runPolicyTestFiles(dir);
      for (const report of reports) {
        for (const result of report.results) {
          if (!result.passed) console.log(formatTestFailure(report, result));
        }
      }
      console.log(formatTestSummary(reports));
      const failed = reports.some((r) => r.results.some((c) => !c.passed));
      if (failed) process.exitCode = EXIT_FAILURE;
    });
}

function registerExplain(policy: Command): void {
  policy
    .command('explain')
    .description('show how every policy and rule judges one access event')
    .argument('<event>', 'a JSON file with one (possibly partial) event')
    .requiredOption('--policies <path>', 'a policy file or directory')
    .option('--json', 'print the explanation as JSON')
    .action((eventFile: string, opts: { policies: string; json?: boolean }) => {
      const set = PolicySet.load(opts.policies);
      const explanation = set.explain(readEventFile(eventFile));
      console.log(
        opts.json
          ? JSON.stringify(explanation, null, 2)
          : formatExplanation(explanation),
      );
    });
}

/** Roots are paths on the agents' machines, so they must be absolute. */
export function collectRoot(value: string, previous: string[] = []): string[] {
  if (!value.startsWith('/')) {
    throw new InvalidArgumentError('a root must be an absolute path');
  }
  return [...previous, value];
}

/** An RFC 3339 time, or a date read as its UTC midnight, in ms. */
export function parseNow(value: string): number {
  const ms = isCalendarDate(value)
    ? Date.parse(`${value}T00:00:00Z`)
    : parseInstant(value);
  if (Number.isNaN(ms)) {
    throw new InvalidArgumentError(
      'must be an RFC 3339 time like 2026-03-04T09:00:00Z, or a date',
    );
  }
  return ms;
}
