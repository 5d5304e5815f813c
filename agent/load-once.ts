import { createRequire } from 'node:module';

/**
 * Runs `use` with a CommonJS package loaded for the occasion, then lets
 * the package go: the require.cache entries the load added are deleted,
 * so its code is collected once nothing refers to it. For what the agent
 * needs once at start, such as its config's YAML parser, and should not
 * keep in memory for months (DESIGN section 10: agent idle RSS).
 */
export function withPackage<M, T>(name: string, use: (module: M) => T): T {
  const require = createRequire(import.meta.url);
  const before = new Set(Object.keys(require.cache));
  try {
    return use(require(name) as M);
  } finally {
    for (const key of Object.keys(require.cache)) {
      if (!before.has(key)) delete require.cache[key];
    }
  }
}
