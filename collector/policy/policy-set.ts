import type { AccessEvent } from '../../protocol/event.js';
import { compilePolicy } from './compile-policy.js';
import type { CompiledPolicy } from './compiled-policy.js';
import { PolicyError } from './errors.js';
import {
  countLimit,
  type PendingLimit,
  pendingLimits,
} from './evaluate-limits.js';
import { evaluatePolicy } from './evaluate-policy.js';
import { EventContext } from './event-context.js';
import { type Explanation, explainEvent } from './explain.js';
import type { LimitCounter } from './limit-counter.js';
import { PathIndex } from './path-index.js';
import {
  type PolicySource,
  readPolicySources,
  textSource,
} from './policy-files.js';
import { checkPolicySchema } from './policy-schema.js';
import type { PolicySummary, ViolationDraft } from './types.js';
import { parseYamlSource } from './yaml-source.js';

/** Vendors whose policy masks are kept before the cache starts over. */
const VENDOR_MASKS_MAX = 1024;

/**
 * What a policy set finds in one event without counting limits, in policy
 * order: a violation of a rule, or a limit to count the event against.
 * Plain data: it is found where a batch is opened and settled where the
 * store and its limit counts are (`PolicySet.settle`).
 */
export type Judgement = { draft: ViolationDraft } | { limit: PendingLimit };

/**
 * An immutable, compiled set of policies. Loading builds a whole new set or
 * throws, so a bad file never half-replaces a set in use.
 */
export class PolicySet {
  readonly policies: ReadonlyArray<PolicySummary>;
  /** The files the set was compiled from, to compile it again elsewhere. */
  readonly sources: readonly PolicySource[];
  private readonly compiled: readonly CompiledPolicy[];
  private readonly index = new PathIndex();
  /** Reused by every lookup: evaluation is synchronous. */
  private readonly hits: number[] = [];
  /** Per vendor, 1 for each policy (by index) that binds it. */
  private readonly bindsVendor = new Map<string, Uint8Array>();

  private constructor(compiled: CompiledPolicy[], sources: PolicySource[]) {
    this.compiled = compiled;
    this.sources = sources;
    this.policies = compiled.map(({ id, hash, file, paths, vendors }) => ({
      id,
      hash,
      file,
      paths: [...paths],
      vendors: vendors === null ? null : [...vendors],
    }));
    compiled.forEach((policy, owner) => {
      policy.paths.forEach((glob, i) => {
        const matches = policy.pathMatchers[i];
        if (matches) this.index.add(glob, matches, owner);
      });
    });
  }

  /**
   * Loads one policy file, or every `*.yaml` / `*.yml` in a directory
   * except `*.test.yaml`. Throws a PolicyError naming file, field and line.
   */
  static load(dirOrFile: string): PolicySet {
    return PolicySet.fromSources(readPolicySources(dirOrFile));
  }

  /** Same as `load` for texts in hand; each is hashed as its UTF-8 bytes. */
  static fromDocuments(docs: { file: string; text: string }[]): PolicySet {
    return PolicySet.fromSources(docs.map((d) => textSource(d.file, d.text)));
  }

  /**
   * Compiles sources read before (`sources` of another set, on another
   * thread): the hashes are the ones they carry.
   */
  static fromSources(sources: readonly PolicySource[]): PolicySet {
    const byId = new Map<string, string>();
    const compiled = sources.map((source) => {
      const yaml = parseYamlSource(source.file, source.text);
      const doc = checkPolicySchema(yaml);
      const earlier = byId.get(doc.id);
      if (earlier !== undefined) {
        throw new PolicyError(
          'VIGIL_POLICY_DUPLICATE_ID',
          `policy id ${JSON.stringify(doc.id)} is already used by ${earlier}`,
          { file: source.file, field: 'id', line: yaml.lineOf(['id']) },
        );
      }
      byId.set(doc.id, source.file);
      return compilePolicy(doc, yaml, source.hash);
    });
    return new PolicySet(compiled, [...sources]);
  }

  /**
   * The violations `event` causes, in policy order (file name): deny rules
   * or default-deny, then limits. Meta events (source "agent") and events
   * without a path are never evaluated. Limits are counted in `counter`,
   * and skipped without one; apart from the counter, no I/O, no logging.
   */
  evaluate(event: AccessEvent, counter?: LimitCounter): ViolationDraft[] {
    return this.settle(this.judge(event), counter);
  }

  /**
   * `evaluate` up to the limits: the rules' violations and the limits to
   * count the event against, in the order `evaluate` reports them. Pure:
   * it may run on any thread that holds a copy of this set.
   */
  judge(event: AccessEvent): Judgement[] {
    if (event.source === 'agent') return [];
    const inScope = this.policiesInScope(event);
    if (inScope.length === 0) return [];
    const ctx = new EventContext(event);
    const found: Judgement[] = [];
    for (const owner of inScope) {
      const policy = this.compiled[owner]!;
      for (const draft of evaluatePolicy(policy, ctx)) found.push({ draft });
      for (const limit of pendingLimits(policy, owner, ctx)) {
        found.push({ limit });
      }
    }
    return found;
  }

  /**
   * The violations of a judgement of this set (or of a copy compiled from
   * its sources): its drafts, and a draft for each limit whose count in
   * `counter` passes its maximum; limits are skipped without a counter.
   */
  settle(
    found: readonly Judgement[],
    counter?: LimitCounter,
  ): ViolationDraft[] {
    const drafts: ViolationDraft[] = [];
    for (const step of found) {
      if ('draft' in step) {
        drafts.push(step.draft);
        continue;
      }
      if (counter === undefined) continue;
      const policy = this.compiled[step.limit.policy];
      const draft = policy && countLimit(policy, step.limit, counter);
      if (draft) drafts.push(draft);
    }
    return drafts;
  }

  /** The longest window of any limit in the set, in ms; 0 without limits. */
  get longestLimitWindowMs(): number {
    const windows = this.compiled.flatMap((policy) =>
      policy.limits.map((limit) => limit.windowMs),
    );
    return Math.max(0, ...windows);
  }

  /**
   * Why `evaluate` decides as it does for `event`: every policy's scope,
   * every condition of the rules in scope, and the same violations.
   */
  explain(event: AccessEvent): Explanation {
    return explainEvent(this.compiled, event);
  }

  /** The `paths` globs of every policy that applies to `vendor`, deduplicated. */
  pathsForVendor(vendor: string): string[] {
    const globs = this.compiled
      .filter((policy) => policy.vendors?.has(vendor) ?? true)
      .flatMap((policy) => policy.paths);
    return [...new Set(globs)];
  }

  /**
   * A policy applies when its vendors include the agent's and the event's
   * path or target is in scope. Each name is judged on its own: a name is
   * in scope when it matches `paths` and no `except` glob. So when the path
   * is in scope and the target is excepted (renaming a.csv to a.tmp), the
   * event is evaluated; likewise when the path is excepted and the target
   * is in scope (an editor saving a.tmp over a.csv).
   */
  private policiesInScope(event: AccessEvent): number[] {
    const owners: number[] = [];
    // Vendors are checked before globs: a byte costs less than a regex.
    const binds = this.vendorMask(event.agent.vendor);
    this.addInScope(event.path, owners, binds);
    this.addInScope(event.target, owners, binds);
    // Both names can bring in policies; keep the set's (file name) order.
    if (owners.length > 1) owners.sort((a, b) => a - b);
    return owners;
  }

  private vendorMask(vendor: string): Uint8Array {
    let mask = this.bindsVendor.get(vendor);
    if (mask === undefined) {
      mask = Uint8Array.from(this.compiled, (policy) =>
        policy.vendors?.has(vendor) === false ? 0 : 1,
      );
      // Vendor names come from enrolled agents: few, but bound anyway.
      if (this.bindsVendor.size >= VENDOR_MASKS_MAX) this.bindsVendor.clear();
      this.bindsVendor.set(vendor, mask);
    }
    return mask;
  }

  private addInScope(
    name: string | undefined,
    owners: number[],
    binds: Uint8Array,
  ): void {
    if (name === undefined) return;
    const hits = this.hits;
    hits.length = 0;
    this.index.collect(name, hits, binds);
    for (const owner of hits) {
      if (owners.includes(owner)) continue;
      if (this.compiled[owner]?.except?.(name) === true) continue;
      owners.push(owner);
    }
  }
}
