import { compilePolicy } from './compile-policy.js';
import { PolicyError } from './errors.js';
import { meaningIssues, type MeaningContext } from './lint-checks.js';
import type { LintCode, LintIssue, LintSeverity } from './lint-issue.js';
import {
  type PolicySource,
  policyFilePaths,
  readPolicySource,
  textSource,
} from './policy-files.js';
import { checkPolicySchema } from './policy-schema.js';
import type { PolicyDocument } from './types.js';
import { fieldName, parseYamlSource, type YamlSource } from './yaml-source.js';

export { POLICY_LINT_CODES } from './lint-issue.js';
export type { LintCode, LintSeverity, PolicyLintCode } from './lint-issue.js';

/** One problem `vigil policy lint` reports. */
export interface LintFinding {
  file: string;
  /** 1-based; absent when the problem has no line (an unreadable file). */
  line?: number;
  /** e.g. `allow[0].schedule.timezone`. */
  field?: string;
  code: LintCode;
  severity: LintSeverity;
  message: string;
}

export interface LintOptions {
  /**
   * Designated roots (absolute directories the agents watch). When given,
   * a `paths` glob that can match nothing below any of them is a warning.
   */
  roots?: readonly string[];
  /** "Now" in ms for `until` in the past; default: the clock. */
  now?: number;
}

export interface LintReport {
  /** Every policy file looked at, in load order. */
  files: string[];
  /** By file, then line. */
  findings: LintFinding[];
}

/**
 * Lints one policy file, or every policy file of a directory (as
 * `PolicySet.load` picks them). Unlike loading, it goes on past a bad
 * file. Throws only when the directory itself cannot be read.
 */
export function lintPolicyFiles(
  dirOrFile: string,
  options: LintOptions = {},
): LintReport {
  const files = policyFilePaths(dirOrFile);
  const sources = files.map((file) => {
    try {
      return readPolicySource(file);
    } catch (error) {
      return asFinding(error);
    }
  });
  return { files, findings: lintSources(sources, options) };
}

/** Same as `lintPolicyFiles` for texts in hand. */
export function lintPolicyDocuments(
  docs: readonly { file: string; text: string }[],
  options: LintOptions = {},
): LintReport {
  const sources = docs.map((doc) => {
    try {
      return textSource(doc.file, doc.text);
    } catch (error) {
      return asFinding(error);
    }
  });
  return {
    files: docs.map((d) => d.file),
    findings: lintSources(sources, options),
  };
}

/** True when any finding is an error: lint then exits 1. */
export function hasErrors(report: LintReport): boolean {
  return report.findings.some((finding) => finding.severity === 'error');
}

function lintSources(
  sources: (PolicySource | LintFinding)[],
  options: LintOptions,
): LintFinding[] {
  const context: MeaningContext = {
    roots: (options.roots ?? []).map(normaliseRoot),
    now: options.now ?? Date.now(),
  };
  const ids = new Map<string, string>();
  return sources.flatMap((source) =>
    'text' in source ? lintSource(source, context, ids) : [source],
  );
}

/** Loads one file as the loader would, then runs the meaning checks. */
function lintSource(
  source: PolicySource,
  context: MeaningContext,
  ids: Map<string, string>,
): LintFinding[] {
  let yaml: YamlSource;
  let doc: PolicyDocument;
  try {
    yaml = parseYamlSource(source.file, source.text);
    doc = checkPolicySchema(yaml);
  } catch (error) {
    return [asFinding(error)];
  }
  const findings: LintFinding[] = [];
  const duplicate = duplicateId(yaml, doc.id, ids);
  if (duplicate !== undefined) findings.push(duplicate);
  try {
    compilePolicy(doc, yaml, source.hash);
    const issues = meaningIssues(doc, context);
    findings.push(...issues.map((issue) => place(issue, yaml)));
  } catch (error) {
    findings.push(asFinding(error));
  }
  return findings.sort((a, b) => (a.line ?? 0) - (b.line ?? 0));
}

/** Ids name policies in violations and reports, so one id means one file. */
function duplicateId(
  yaml: YamlSource,
  id: string,
  ids: Map<string, string>,
): LintFinding | undefined {
  const earlier = ids.get(id);
  if (earlier === undefined) {
    ids.set(id, yaml.file);
    return undefined;
  }
  return {
    file: yaml.file,
    line: yaml.lineOf(['id']),
    field: 'id',
    code: 'VIGIL_POLICY_DUPLICATE_ID',
    severity: 'error',
    message: `policy id ${JSON.stringify(id)} is already used by ${earlier}`,
  };
}

function place(issue: LintIssue, yaml: YamlSource): LintFinding {
  const { at, code, severity, message } = issue;
  const line = yaml.lineOf(at);
  return {
    file: yaml.file,
    line,
    field: fieldName(at),
    code,
    severity,
    message,
  };
}

/** Loader errors become findings; anything else is a bug and propagates. */
function asFinding(error: unknown): LintFinding {
  if (!(error instanceof PolicyError)) throw error;
  const { file, line, field, code, problem } = error;
  return { file, line, field, code, severity: 'error', message: problem };
}

/** "/srv/data/" → "/srv/data"; "/" stays. */
function normaliseRoot(root: string): string {
  const trimmed = root.replace(/\/+$/, '');
  return trimmed === '' ? '/' : trimmed;
}
