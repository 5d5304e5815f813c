import type { AccessEvent } from '../../protocol/event.js';
import type { ConditionField } from './rule-conditions.js';
import type { Severity, ViolationDraft } from './types.js';

/* What `vigil policy explain` shows; built by explain.ts. */

/** One condition of one rule against the event, with the values compared. */
export interface ConditionExplanation {
  field: ConditionField;
  wants: string;
  got: string;
  matched: boolean;
}

export interface RuleExplanation {
  name: string;
  kind: 'allow' | 'deny';
  /** Deny rules: the severity a match is reported with. */
  severity?: Severity;
  /** True when every condition matched (a rule without any always does). */
  matched: boolean;
  conditions: ConditionExplanation[];
}

export interface GlobCheck {
  glob: string;
  matched: boolean;
}

/** How one name of the event (its path, or a rename's target) fares. */
export interface NameScope {
  role: 'path' | 'target';
  name: string;
  paths: GlobCheck[];
  except: GlobCheck[];
  /** Matches some `paths` glob and no `except` glob. */
  inScope: boolean;
}

export interface VendorScope {
  /** null: the policy applies to every vendor. */
  vendors: string[] | null;
  vendor: string;
  matched: boolean;
}

export type PolicyVerdict =
  'out-of-scope' | 'allowed' | 'denied' | 'default-deny';

export interface PolicyExplanation {
  id: string;
  file: string;
  hash: string;
  /** The vendor matched and some name of the event is in scope. */
  inScope: boolean;
  vendor: VendorScope;
  names: NameScope[];
  /** Empty when the policy is out of scope: no rule is tested then. */
  deny: RuleExplanation[];
  allow: RuleExplanation[];
  /** Names of the policy's limits; one event alone is never counted. */
  limits: string[];
  verdict: PolicyVerdict;
  /** The allow rule that permitted the event, or the violated rules. */
  decidedBy: string[];
  violations: ViolationDraft[];
}

/** Why `PolicySet.evaluate` decides as it does for one event. */
export interface Explanation {
  event: AccessEvent;
  /** False for meta events (source "agent"), which are never evaluated. */
  evaluated: boolean;
  /** In set order (file name); empty when not evaluated. */
  policies: PolicyExplanation[];
  decision: 'allow' | 'violation';
  /** Exactly what `PolicySet.evaluate` returns for the event. */
  violations: ViolationDraft[];
}
