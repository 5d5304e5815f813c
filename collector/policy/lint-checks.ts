import { compileGlobs } from './glob-rules.js';
import type { LintIssue } from './lint-issue.js';
import { shadowIssues } from './lint-shadow.js';
import { rulePeriodIssues } from './lint-period.js';
import type { PolicyDocument } from './types.js';

/** What the meaning checks judge against. */
export interface MeaningContext {
  /** Designated roots, normalised; empty: skip the roots check. */
  roots: readonly string[];
  /** "Now" in ms, for `until` in the past. */
  now: number;
}

/**
 * The meaning checks of `vigil policy lint` for a policy that loads: what
 * the loader accepts but is almost surely not what the author meant.
 */
export function meaningIssues(
  doc: PolicyDocument,
  context: MeaningContext,
): LintIssue[] {
  return [
    ...exceptedGlobIssues(doc),
    ...rootIssues(doc, context.roots),
    ...rulePeriodIssues(doc, context.now),
    ...unsetUserIssues(doc),
    ...shadowIssues(doc),
  ];
}

/**
 * A `paths` glob that an `except` glob removes whole: the same glob, or
 * `D/**` where the glob starts with the segments `D/`.
 */
function exceptedGlobIssues(doc: PolicyDocument): LintIssue[] {
  const excepts = doc.except ?? [];
  return doc.paths.flatMap((glob, i) => {
    const except = excepts.find((e) => removesWhole(e, glob));
    if (except === undefined) return [];
    return [
      {
        at: ['paths', i],
        code: 'VIGIL_POLICY_GLOB_EXCEPTED',
        severity: 'error',
        message: `${glob} is removed whole by except ${except}, so it designates nothing`,
      },
    ];
  });
}

function removesWhole(except: string, glob: string): boolean {
  if (except === glob) return true;
  if (!except.endsWith('/**')) return false;
  const dir = except.slice(0, -'/**'.length);
  return glob === dir || glob.startsWith(`${dir}/`);
}

/** A `paths` glob that can match nothing at or below any root. */
function rootIssues(
  doc: PolicyDocument,
  roots: readonly string[],
): LintIssue[] {
  if (roots.length === 0) return [];
  return doc.paths.flatMap((glob, i) => {
    if (roots.some((root) => reachesRoot(glob, root))) return [];
    return [
      {
        at: ['paths', i],
        code: 'VIGIL_POLICY_GLOB_OUTSIDE_ROOTS',
        severity: 'warning',
        message: `${glob} matches nothing under the designated roots ${roots.join(', ')}`,
      },
    ];
  });
}

/**
 * True when the glob's leading segments can match the root's segments, so
 * that it can match the root or something below it. A `**` reaches any
 * depth; a glob that ends above the root cannot reach it.
 */
function reachesRoot(glob: string, root: string): boolean {
  const globSegments = glob.split('/').slice(1);
  const rootSegments = root.split('/').filter((s) => s !== '');
  for (const [i, name] of rootSegments.entries()) {
    const segment = globSegments[i];
    if (segment === undefined) return false;
    if (segment === '**') return true;
    if (!compileGlobs([segment])(name)) return false;
  }
  return true;
}

/**
 * The acting person is never "unset": when nobody logged in, rules see
 * the real user's name instead (see EventContext).
 */
function unsetUserIssues(doc: PolicyDocument): LintIssue[] {
  const lists = { allow: doc.allow ?? [], deny: doc.deny ?? [] };
  return Object.entries(lists).flatMap(([kind, rules]) =>
    rules.flatMap((rule, i) => {
      const j = rule.users?.indexOf('unset') ?? -1;
      if (j === -1) return [];
      return [
        {
          at: [kind, i, 'users', j],
          code: 'VIGIL_POLICY_USER_UNSET' as const,
          severity: 'warning' as const,
          message:
            `${kind} rule ${rule.name} names user "unset", which never ` +
            'matches: without a login, rules see the real user name ' +
            '(e.g. the cron job user)',
        },
      ];
    }),
  );
}
