import type { AccessEvent, Action } from '../../protocol/event.js';
import {
  accessMessage,
  complianceTags,
  fileKind,
  isPolicyDecision,
  pathParts,
  permissionBits,
  severityRank,
} from './mapping-common.js';
import type {
  EventItem,
  ForwardItem,
  ForwardViolation,
  ViolationItem,
} from './reader.js';

type Json = Record<string, unknown>;

/** The ECS version every document names in `ecs.version`. */
export const ECS_VERSION = '8.11.0';

/** event.type for category "file", per Vigil action. */
const FILE_EVENT_TYPE: Record<string, string> = {
  read: 'access',
  exec: 'access',
  write: 'change',
  truncate: 'change',
  rename: 'change',
  chmod: 'change',
  chown: 'change',
  create: 'creation',
  link: 'creation',
  delete: 'deletion',
};

/** event.risk_score per severity, on the usual 0–100 scale. */
const RISK_SCORE: Record<string, number> = {
  low: 21,
  medium: 47,
  high: 73,
  critical: 99,
};

/**
 * One stored record as an ECS 8.11 document (docs/forwarding.md): events
 * as `event.kind: event`, violations as `event.kind: alert` with `rule.*`.
 * What ECS has no field for goes under `vigil.*`.
 */
export function toEcs(item: ForwardItem): Json {
  if (item.kind === 'event') return eventDoc(item);
  return isPolicyDecision(item) ? decisionDoc(item) : findingDoc(item);
}

function eventDoc(item: EventItem): Json {
  const { event } = item;
  return {
    ...accessDoc(event),
    event: {
      ...eventFields(event),
      id: item.id,
      kind: 'event',
      dataset: event.source === 'agent' ? 'vigil.agent' : 'vigil.access',
      created: item.receivedAt,
    },
  };
}

function decisionDoc(item: ViolationItem): Json {
  const { violation } = item;
  const event = item.event!;
  const doc = accessDoc(event);
  return {
    ...doc,
    message: violation.reason,
    event: {
      ...eventFields(event),
      ...alertFields(item.id, violation),
    },
    rule: ruleOf(violation),
    ...(violation.vendor ? { organization: { name: violation.vendor } } : {}),
    vigil: {
      ...(doc.vigil as Json),
      violation: violationExtras(violation, `${event.agent.id}:${event.seq}`),
    },
  };
}

/** A watchdog or integrity finding: an alert about the agent's host. */
function findingDoc(item: ViolationItem): Json {
  const { violation } = item;
  const related = item.event
    ? `${violation.agent}:${item.event.seq}`
    : undefined;
  return {
    '@timestamp': violation.created_at,
    ecs: { version: ECS_VERSION },
    message: violation.reason,
    event: {
      ...alertFields(item.id, violation),
      category: ['host'],
      type: ['info'],
      action: violation.kind,
    },
    agent: { id: violation.agent, type: 'vigil' },
    ...(violation.host
      ? { host: { name: violation.host, hostname: violation.host } }
      : {}),
    ...(violation.vendor ? { organization: { name: violation.vendor } } : {}),
    rule: ruleOf(violation),
    vigil: { violation: violationExtras(violation, related) },
  };
}

// The parts of a document that describe the access itself.
function accessDoc(event: AccessEvent): Json {
  const who = event.user?.login;
  return {
    '@timestamp': event.time,
    ecs: { version: ECS_VERSION },
    message: accessMessage(who, event.action, event.path, event.outcome),
    agent: { id: event.agent.id, name: event.agent.host, type: 'vigil' },
    host: { name: event.agent.host, hostname: event.agent.host },
    organization: { name: event.agent.vendor },
    ...(event.user ? { user: userOf(event) } : {}),
    ...(event.process ? { process: processOf(event) } : {}),
    ...(event.path ? { file: fileOf(event) } : {}),
    related: {
      hosts: [event.agent.host],
      ...(event.user
        ? {
            user: [
              ...new Set([
                event.user.login,
                event.user.name,
                event.user.effective,
              ]),
            ],
          }
        : {}),
    },
    vigil: vigilExtras(event),
  };
}

function eventFields(event: AccessEvent): Json {
  const file = event.source !== 'agent';
  return {
    category: [file ? 'file' : 'host'],
    type: [file ? typeOf(event.action) : 'info'],
    action: event.action,
    outcome: event.outcome === 'success' ? 'success' : 'failure',
    module: 'vigil',
    provider: event.source,
    sequence: event.seq,
  };
}

function typeOf(action: Action): string {
  return FILE_EVENT_TYPE[action] ?? 'info';
}

function alertFields(id: string, violation: ForwardViolation): Json {
  return {
    id,
    kind: 'alert',
    module: 'vigil',
    dataset: 'vigil.violation',
    created: violation.created_at,
    severity: severityRank(violation.severity),
    risk_score: RISK_SCORE[violation.severity] ?? 0,
    reason: violation.reason,
  };
}

// user is the person (audit login uid); the process carries the real and
// effective accounts it ran as.
function userOf(event: AccessEvent): Json {
  const user = event.user!;
  return {
    name: user.login,
    id: String(user.auid),
    effective: { name: user.effective, id: String(user.euid) },
  };
}

function processOf(event: AccessEvent): Json {
  const proc = event.process!;
  const user = event.user;
  return {
    pid: proc.pid,
    name: proc.name,
    executable: proc.exe,
    command_line: proc.cmdline,
    parent: { pid: proc.ppid },
    ...(user
      ? {
          user: { name: user.effective, id: String(user.euid) },
          real_user: { name: user.name, id: String(user.uid) },
        }
      : {}),
  };
}

function fileOf(event: AccessEvent): Json {
  const path = event.path!;
  const { name, folder, extension } = pathParts(path);
  const info = event.file;
  const kind = fileKind(info?.mode);
  return {
    path,
    name,
    directory: folder,
    ...(extension ? { extension } : {}),
    ...(kind === 'file' || kind === 'dir' || kind === 'symlink'
      ? { type: kind }
      : {}),
    ...(info?.size !== undefined ? { size: info.size } : {}),
    ...(info?.inode !== undefined ? { inode: String(info.inode) } : {}),
    ...(info?.mode ? { mode: permissionBits(info.mode) } : {}),
    ...(info?.owner !== undefined ? { uid: String(info.owner) } : {}),
    ...(info?.sha256 ? { hash: { sha256: info.sha256 } } : {}),
  };
}

function vigilExtras(event: AccessEvent): Json {
  return {
    seq: event.seq,
    outcome: event.outcome,
    ...(event.target ? { target: event.target } : {}),
    ...(event.via ? { via: event.via } : {}),
    ...(event.user ? { user: { groups: event.user.groups } } : {}),
    ...(event.audit ? { audit: event.audit } : {}),
    ...(event.detail ? { detail: event.detail } : {}),
  };
}

function ruleOf(violation: ForwardViolation): Json {
  return {
    id: `${violation.policy}/${violation.rule}`,
    name: violation.rule,
    ruleset: violation.policy,
    category: violation.kind,
    ...(violation.policy_hash ? { version: violation.policy_hash } : {}),
  };
}

function violationExtras(violation: ForwardViolation, eventId?: string): Json {
  return {
    id: violation.id,
    seq: violation.seq,
    compliance: complianceTags(violation.compliance),
    ...(eventId ? { event_id: eventId } : {}),
  };
}
