/**
 * The access event: one JSON object per access (DESIGN section 2). These
 * types mirror `schemas/access-event.schema.json`; a test keeps them equal.
 */

export const ACCESS_ACTIONS = [
  'read',
  'write',
  'create',
  'delete',
  'rename',
  'link',
  'chmod',
  'chown',
  'truncate',
  'exec',
] as const;

export const META_ACTIONS = [
  'agent.start',
  'agent.stop',
  'heartbeat',
  'sensor.degraded',
  'events.dropped',
  'audit.lost',
  'config.changed',
] as const;

export type AccessAction = (typeof ACCESS_ACTIONS)[number];
export type MetaAction = (typeof META_ACTIONS)[number];
export type Action = AccessAction | MetaAction;
export type Outcome = 'success' | 'denied' | 'failed';
export type EventSource = 'audit' | 'fs' | 'agent';

/** The login uid the kernel reports when nobody logged in (auid unset). */
export const AUID_UNSET = 4294967295;

export interface AgentRef {
  id: string;
  vendor: string;
  host: string;
}

export interface UserInfo {
  /** The person: name of the audit login uid, "unset" when auid is unset. */
  login: string;
  /** Name of the real uid. */
  name: string;
  uid: number;
  auid: number;
  /** Name of the effective uid. */
  effective: string;
  euid: number;
  /** Groups of the acting person (login user, else the real uid's user). */
  groups: string[];
}

export interface ProcessInfo {
  pid: number;
  ppid: number;
  exe: string;
  name: string;
  cmdline: string;
}

export interface FileInfo {
  size?: number;
  /** Octal mode as the kernel prints it, e.g. "0100644". */
  mode?: string;
  owner?: number;
  inode?: number;
  sha256?: string;
}

export interface AuditInfo {
  serial: number;
  syscall: string;
  key: string;
}

/** An access as a sensor sees it, before the agent chains it. */
export interface CapturedEvent {
  time: string;
  source: EventSource;
  action: Action;
  outcome: Outcome;
  path?: string;
  target?: string;
  via?: string;
  user: UserInfo | null;
  process: ProcessInfo | null;
  file?: FileInfo;
  audit?: AuditInfo;
  /** Meta events only: counts, reasons, coverage. */
  detail?: Record<string, unknown>;
}

/** A chained event as it travels and is stored. */
export interface AccessEvent extends CapturedEvent {
  seq: number;
  prev: string;
  agent: AgentRef;
}
