import type { AccessEvent, Action } from '../../protocol/event.js';
import {
  accessMessage,
  complianceTags,
  epochMs,
  isPolicyDecision,
  severityRank,
} from './mapping-common.js';
import { actor, device, file, metadata, vigilExtras } from './ocsf-objects.js';
import type {
  EventItem,
  ForwardItem,
  ForwardViolation,
  ViolationItem,
} from './reader.js';

type Json = Record<string, unknown>;

/** File System Activity (class 1001) activity_id and caption per action. */
const FILE_ACTIVITY: Record<string, [number, string]> = {
  create: [1, 'Create'],
  read: [2, 'Read'],
  write: [3, 'Update'],
  truncate: [3, 'Update'],
  delete: [4, 'Delete'],
  rename: [5, 'Rename'],
  chmod: [7, 'Set Security'],
  chown: [7, 'Set Security'],
};

/** Actions with no activity of their own in class 1001 (99, Other). */
const OTHER_ACTIVITY: Record<string, string> = {
  link: 'Link',
  exec: 'Execute',
};

const SEVERITY = [
  'Unknown',
  'Informational',
  'Low',
  'Medium',
  'High',
  'Critical',
];

/**
 * One stored record as an OCSF 1.5.0 object (docs/forwarding.md):
 * accesses as File System Activity (1001); a policy violation as that
 * activity with the Security Control profile; the collector's own
 * findings (watchdogs, integrity) as Detection Finding (2004); the agent's
 * meta events as Base Event (0).
 */
export function toOcsf(item: ForwardItem): Json {
  if (item.kind === 'event') return eventRecord(item);
  return isPolicyDecision(item) ? decision(item) : finding(item);
}

function eventRecord(item: EventItem): Json {
  const { event } = item;
  const meta = metadata(item.id, item.receivedAt, {
    original_time: event.time,
    sequence: event.seq,
  });
  return event.source === 'agent'
    ? agentMeta(event, meta)
    : {
        ...activity(event),
        metadata: meta,
        severity_id: 1,
        severity: 'Informational',
      };
}

function activity(event: AccessEvent): Json {
  const [activityId, activityName] = activityOf(event.action);
  const path = event.path ?? '';
  const resulting =
    event.target && (event.action === 'rename' || event.action === 'link');
  return {
    class_uid: 1001,
    class_name: 'File System Activity',
    category_uid: 1,
    category_name: 'System Activity',
    activity_id: activityId,
    activity_name: activityName,
    type_uid: 1001 * 100 + activityId,
    type_name: `File System Activity: ${activityName}`,
    time: epochMs(event.time),
    ...status(event.outcome),
    message: accessMessage(
      event.user?.login,
      event.action,
      event.path,
      event.outcome,
    ),
    actor: actor(event),
    file: file(path, event.file),
    ...(resulting ? { file_result: file(event.target!) } : {}),
    device: device(event.agent),
    unmapped: { vigil: vigilExtras(event) },
  };
}

function activityOf(action: Action): [number, string] {
  return FILE_ACTIVITY[action] ?? [99, OTHER_ACTIVITY[action] ?? action];
}

// status_id is the operating system's answer: denied (EACCES/EPERM) and
// failed are both Failure; status_code keeps which.
function status(outcome: string): Json {
  return outcome === 'success'
    ? { status_id: 1, status: 'Success' }
    : { status_id: 2, status: 'Failure', status_code: outcome };
}

// Meta events (agent.start, heartbeat, events.dropped, …) have no file:
// the generic Base Event carries them, their detail in unmapped.
function agentMeta(event: AccessEvent, meta: Json): Json {
  return {
    class_uid: 0,
    class_name: 'Base Event',
    category_uid: 0,
    category_name: 'Uncategorized',
    activity_id: 99,
    activity_name: event.action,
    type_uid: 99,
    type_name: `Base Event: ${event.action}`,
    time: epochMs(event.time),
    severity_id: 1,
    severity: 'Informational',
    ...status(event.outcome),
    message: `agent ${event.agent.id}: ${event.action}`,
    device: device(event.agent),
    metadata: meta,
    unmapped: { vigil: vigilExtras(event) },
  };
}

/**
 * A policy violation: the activity, observed (Vigil records, it does not
 * block) and detected by the policy, as an alertable signal.
 */
function decision(item: ViolationItem): Json {
  const { violation } = item;
  const event = item.event!;
  const record = activity(event);
  return {
    ...record,
    ...severityOf(violation.severity),
    message: violation.reason,
    metadata: metadata(item.id, violation.created_at, {
      original_time: event.time,
      profiles: ['security_control'],
    }),
    action_id: 3,
    action: 'Observed',
    disposition_id: 15,
    disposition: 'Detected',
    is_alert: true,
    policy: policyOf(violation),
    device: device({
      ...event.agent,
      vendor: violation.vendor ?? event.agent.vendor,
    }),
    unmapped: {
      vigil: {
        ...vigilExtras(event),
        violation: violationExtras(violation, `${event.agent.id}:${event.seq}`),
      },
    },
  };
}

/** A watchdog or integrity finding: Detection Finding, activity Create. */
function finding(item: ViolationItem): Json {
  const { violation } = item;
  const created = epochMs(violation.created_at);
  const related = item.event
    ? `${violation.agent}:${item.event.seq}`
    : undefined;
  return {
    class_uid: 2004,
    class_name: 'Detection Finding',
    category_uid: 2,
    category_name: 'Findings',
    activity_id: 1,
    activity_name: 'Create',
    type_uid: 2004 * 100 + 1,
    type_name: 'Detection Finding: Create',
    time: created,
    ...severityOf(violation.severity),
    status_id: 1,
    status: 'New',
    is_alert: true,
    message: violation.reason,
    finding_info: {
      uid: item.id,
      title: violation.kind,
      desc: violation.reason,
      types: [violation.policy],
      created_time: created,
      analytic: {
        uid: violation.kind,
        name: violation.kind,
        type_id: 1,
        type: 'Rule',
      },
      ...(related ? { related_events: [{ uid: related }] } : {}),
    },
    device: device({
      id: violation.agent,
      host: violation.host,
      vendor: violation.vendor,
    }),
    metadata: metadata(item.id, violation.created_at),
    unmapped: { vigil: { violation: violationExtras(violation, related) } },
  };
}

function severityOf(severity: string): Json {
  const id = severityRank(severity);
  return { severity_id: id, severity: SEVERITY[id] };
}

function policyOf(violation: ForwardViolation): Json {
  return {
    uid: violation.policy,
    name: violation.policy,
    ...(violation.policy_hash ? { version: violation.policy_hash } : {}),
  };
}

function violationExtras(violation: ForwardViolation, eventUid?: string): Json {
  return {
    id: violation.id,
    policy: violation.policy,
    rule: violation.rule,
    kind: violation.kind,
    seq: violation.seq,
    compliance: complianceTags(violation.compliance),
    ...(eventUid ? { event_uid: eventUid } : {}),
  };
}
