/** Characters that make a path segment a pattern rather than a name. */
const GLOB_CHARS = /[*?[\]{}!]/;

/**
 * The literal path a glob starts from: `/srv/data/customers/**` →
 * `/srv/data/customers`; a glob without wildcards is its own root. An agent
 * watches this root to cover the glob.
 */
export function globRoot(glob: string): string {
  const segments = glob.split('/');
  const firstPattern = segments.findIndex((s) => GLOB_CHARS.test(s));
  const literal = firstPattern < 0 ? segments : segments.slice(0, firstPattern);
  return literal.join('/') || '/';
}
