import type { Matcher } from './glob-rules.js';
import type { Condition } from './rule-conditions.js';
import type { Severity } from './types.js';

/** A rule ready to test: all conditions must hold. */
export interface CompiledRule {
  name: string;
  /** Deny rules only; absent means the policy's severity. */
  severity?: Severity;
  conditions: Condition[];
}

/** A checked `limits` entry, counted by `countLimit` (evaluate-limits.ts). */
export interface CompiledLimit {
  name: string;
  actions: ReadonlySet<string> | null;
  max: number;
  /** The window as written ("10m"), for reasons. */
  window: string;
  windowMs: number;
  per: 'user' | 'process' | 'agent';
  severity: Severity;
}

/** One policy file, checked and compiled once at load. */
export interface CompiledPolicy {
  id: string;
  hash: string;
  file: string;
  severity: Severity;
  compliance: string[];
  paths: string[];
  /** One matcher per entry of `paths`, same order. */
  pathMatchers: Matcher[];
  /** null: no `except`. */
  except: Matcher | null;
  /** The `except` globs as written, for explanations. */
  exceptGlobs: string[];
  vendors: ReadonlySet<string> | null;
  allow: CompiledRule[];
  deny: CompiledRule[];
  limits: CompiledLimit[];
}
