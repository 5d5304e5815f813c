import type { AccessAction, Outcome } from '../../protocol/event.js';

export const SEVERITIES = ['low', 'medium', 'high', 'critical'] as const;
export type Severity = (typeof SEVERITIES)[number];

/** One broken rule of one policy for one event, before it is stored. */
export interface ViolationDraft {
  /** Policy id. */
  policy: string;
  /**
   * Rule or limit name, or 'default-deny' when no allow rule permitted the
   * event.
   */
  rule: string;
  kind: 'deny' | 'default-deny' | 'limit';
  severity: Severity;
  /** Readable without the policy open: rule, failed condition, values. */
  reason: string;
  /** Lowercase hex SHA-256 of the policy file's bytes. */
  policyHash: string;
  /** The policy's compliance tags, copied. */
  compliance: string[];
}

/** What a loaded policy exposes to the rest of the collector. */
export interface PolicySummary {
  id: string;
  hash: string;
  file: string;
  paths: string[];
  /** null: the policy applies to every vendor. */
  vendors: string[] | null;
}

export type Weekday = 'mon' | 'tue' | 'wed' | 'thu' | 'fri' | 'sat' | 'sun';

/* The YAML document as `schemas/policy.schema.json` admits it. */

export interface ScheduleDocument {
  days?: Weekday[];
  /** "HH:MM-HH:MM", end exclusive; an end before the start runs past midnight. */
  hours?: string;
  timezone: string;
}

export interface ValidDocument {
  from?: string;
  until?: string;
}

export interface RuleDocument {
  name: string;
  description?: string;
  users?: string[];
  groups?: string[];
  processes?: string[];
  actions?: AccessAction[];
  outcome?: Outcome[];
}

export interface AllowRuleDocument extends RuleDocument {
  schedule?: ScheduleDocument;
  valid?: ValidDocument;
}

export interface DenyRuleDocument extends RuleDocument {
  severity?: Severity;
}

export interface LimitDocument {
  name: string;
  description?: string;
  actions?: AccessAction[];
  max: number;
  window: string;
  per: 'user' | 'process' | 'agent';
  severity?: Severity;
}

export interface PolicyDocument {
  id: string;
  description?: string;
  severity: Severity;
  paths: string[];
  except?: string[];
  vendors?: string[];
  allow?: AllowRuleDocument[];
  deny?: DenyRuleDocument[];
  limits?: LimitDocument[];
  compliance?: string[];
}
