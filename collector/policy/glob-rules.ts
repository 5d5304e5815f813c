import picomatch from 'picomatch';

/** Longest glob accepted, in characters. */
export const GLOB_MAX_CHARS = 1024;
/**
 * Each `**` adds a nested lazy loop to picomatch's regex: two cost a few
 * milliseconds on a hostile 4 KiB path, three cost seconds. Same for `*`
 * within one segment (segments are at most 255 bytes on Linux).
 */
export const GLOBSTARS_MAX = 2;
export const STARS_PER_SEGMENT_MAX = 2;
export const BRACE_ALTERNATIVES_MAX = 32;

/** Dot files are data too; extglobs stay off (their regexes backtrack). */
const PICOMATCH_OPTIONS: picomatch.PicomatchOptions = {
  dot: true,
  noextglob: true,
};

export type Matcher = (path: string) => boolean;

/**
 * Where a glob may start: `absolute` for paths and processes; `except`
 * also admits a leading globstar segment (a name anywhere).
 */
export type GlobPlace = 'absolute' | 'except';

/** Why a glob is refused, or undefined when it is safe to compile. */
export function globProblem(
  glob: string,
  place: GlobPlace,
): string | undefined {
  if (glob.length === 0) return 'is empty';
  if (glob.length > GLOB_MAX_CHARS) {
    return `is ${glob.length} characters long; the limit is ${GLOB_MAX_CHARS}`;
  }
  const banned = [...glob].find(isBannedChar);
  if (banned !== undefined) {
    return `contains ${JSON.stringify(banned)}: escapes, extglobs, regex groups and control characters are not supported`;
  }
  const relativeOk = place === 'except' && glob.startsWith('**/');
  if (!glob.startsWith('/') && !relativeOk) {
    return place === 'except'
      ? 'must start with / or **/'
      : 'must be an absolute path (start with /)';
  }
  const segments = glob.split('/').slice(glob.startsWith('/') ? 1 : 0);
  return segmentsProblem(segments) ?? compileProblem(glob);
}

/** picomatch turns what it cannot parse (e.g. `[z-a]`) into a never-match. */
function compileProblem(glob: string): string | undefined {
  const NEVER_MATCHES = '$^';
  try {
    const source = picomatch.makeRe(glob, PICOMATCH_OPTIONS).source;
    return source === NEVER_MATCHES ? 'can never match anything' : undefined;
  } catch {
    return 'is not a glob picomatch can compile';
  }
}

/** Escapes, extglob/regex groups and control characters. */
function isBannedChar(char: string): boolean {
  const FIRST_PRINTABLE = 0x20;
  const DELETE = 0x7f;
  const code = char.charCodeAt(0);
  return '\\()|'.includes(char) || code < FIRST_PRINTABLE || code === DELETE;
}

function segmentsProblem(segments: string[]): string | undefined {
  let globstars = 0;
  for (const segment of segments) {
    if (segment === '**') {
      globstars += 1;
      continue;
    }
    const problem = segmentProblem(segment);
    if (problem !== undefined) return problem;
  }
  if (globstars > GLOBSTARS_MAX) {
    return `has ${globstars} ** segments; at most ${GLOBSTARS_MAX} are allowed`;
  }
  return undefined;
}

function segmentProblem(segment: string): string | undefined {
  if (segment === '') return 'has an empty segment (// or a trailing /)';
  if (segment === '.' || segment === '..') {
    return 'has a . or .. segment; write the normalised path';
  }
  if (segment.includes('**')) return '** must stand alone between slashes';
  const stars = segment.split('*').length - 1;
  if (stars > STARS_PER_SEGMENT_MAX) {
    return `has ${stars} * in one segment; at most ${STARS_PER_SEGMENT_MAX} are allowed`;
  }
  return groupsProblem(segment);
}

/** `[a-z]`, `[^.]` and `{csv,xlsx}` with plain contents only. */
function groupsProblem(segment: string): string | undefined {
  for (const group of segment.match(/\{[^{}]*\}/g) ?? []) {
    const problem = braceProblem(group.slice(1, -1));
    if (problem !== undefined) return problem;
  }
  const rest = segment
    .replace(/\[\^?[A-Za-z0-9._~ -]+\]/g, '')
    .replace(/\{[^{}]*\}/g, '');
  if (/[[\]]/.test(rest)) {
    return 'has a bracket that is not a plain class like [a-z] or [^.]';
  }
  if (/[{}]/.test(rest)) return 'has an unbalanced or nested brace';
  return undefined;
}

function braceProblem(inner: string): string | undefined {
  const alternatives = inner.split(',');
  if (inner.includes('..')) {
    return 'has a brace range ({a..b}); list the values';
  }
  if (alternatives.length < 2) return 'has a brace group without a comma';
  if (/[*?[\]!]/.test(inner)) return 'has a wildcard inside a brace group';
  if (alternatives.length > BRACE_ALTERNATIVES_MAX) {
    return `has ${alternatives.length} brace alternatives; at most ${BRACE_ALTERNATIVES_MAX} are allowed`;
  }
  return undefined;
}

/** Compiled glob lists kept for reuse before the cache starts over. */
const MATCHERS_CACHED_MAX = 10_000;
const matchers = new Map<string, Matcher>();

/**
 * One matcher for checked globs (any of them matches). The bare regexes
 * skip the bookkeeping of picomatch's own matcher, which dominates the
 * cost of short paths. Policies often repeat the same `except` and
 * `processes` lists; they share one matcher, which stays in the CPU cache.
 */
export function compileGlobs(globs: readonly string[]): Matcher {
  const key = JSON.stringify(globs);
  let matcher = matchers.get(key);
  if (matcher === undefined) {
    if (matchers.size >= MATCHERS_CACHED_MAX) matchers.clear();
    matcher = compileUncached(globs);
    matchers.set(key, matcher);
  }
  return matcher;
}

function compileUncached(globs: readonly string[]): Matcher {
  const regexes = globs.map((glob) =>
    dotAll(picomatch.makeRe(glob, PICOMATCH_OPTIONS)),
  );
  const [only] = regexes;
  if (regexes.length === 1 && only !== undefined) {
    const [glob = ''] = globs;
    return PLAIN_TREE.test(glob)
      ? treeMatcher(glob.slice(0, -'/**'.length), only)
      : (path) => only.test(path);
  }
  return (path) => regexes.some((regex) => regex.test(path));
}

/**
 * A file name may hold a line break; picomatch's `**` is built on `.`,
 * which without the `s` flag stops there, so such a file would escape
 * every policy.
 */
function dotAll(regex: RegExp): RegExp {
  return regex.flags.includes('s')
    ? regex
    : new RegExp(regex.source, `${regex.flags}s`);
}

/** `/plain/dirs/**`: the shape of most `paths` globs. */
const PLAIN_TREE = /^(?:\/[A-Za-z0-9._-]+)+\/\*\*$/;
/** What picomatch's `**` refuses to cross: `.` and `..` segments, newlines. */
const NOT_PLAIN_BELOW = /(?:^|\/)\.{1,2}(?:\/|$)|[\n\r\u2028\u2029]/;

/**
 * A string test for `dir/**` in front of picomatch's regex: with a
 * thousand policies, a thousand compiled regexes crowd the CPU caches,
 * while one shared check stays in them. Any path the check is not sure of
 * goes to the regex, so both always agree.
 */
function treeMatcher(dir: string, regex: RegExp): Matcher {
  const below = `${dir}/`;
  return (path) => {
    if (path === dir) return true;
    if (!path.startsWith(below)) return false;
    return !NOT_PLAIN_BELOW.test(path.slice(below.length)) || regex.test(path);
  };
}

/** The literal directory segments before a glob's first wildcard. */
export function literalPrefix(glob: string): string[] {
  const segments = glob.split('/').filter((s) => s !== '');
  const firstWild = segments.findIndex((s) => /[*?[{]/.test(s));
  return firstWild === -1 ? segments : segments.slice(0, firstWild);
}
