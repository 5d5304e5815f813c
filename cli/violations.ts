import type { Command } from 'commander';
import { resolve } from 'node:path';
import { openStore } from '../collector/data-dir.js';
import type { StoredViolation } from '../collector/store/store.js';
import type { AccessEvent } from '../protocol/event.js';

/** A violation as `vigil violations list --json` prints it. */
export interface ViolationView {
  id: number;
  policy: string;
  rule: string;
  kind: string;
  severity: string;
  status: string;
  reason: string;
  policyHash: string;
  compliance: string[];
  agent: string;
  createdAt: string;
  event: Pick<
    AccessEvent,
    | 'seq'
    | 'time'
    | 'action'
    | 'outcome'
    | 'path'
    | 'target'
    | 'user'
    | 'process'
  >;
}

export function registerViolationsCommands(program: Command): void {
  const violations = program
    .command('violations')
    .description('review flagged accesses');
  violations
    .command('list')
    .description('list violations from the local store')
    .requiredOption('--data <dir>', 'collector data directory')
    .option('--json', 'print a JSON array')
    .action((opts: { data: string; json?: boolean }) => {
      const store = openStore(resolve(opts.data), true);
      try {
        const views = store.listViolations().map(toView);
        if (opts.json) console.log(JSON.stringify(views, null, 2));
        else printTable(views);
      } finally {
        store.close();
      }
    });
}

export function toView(row: StoredViolation): ViolationView {
  const e = JSON.parse(row.event) as AccessEvent;
  return {
    id: row.id,
    policy: row.policy,
    rule: row.rule,
    kind: row.kind,
    severity: row.severity,
    status: row.status,
    reason: row.reason,
    policyHash: row.policy_hash,
    compliance: JSON.parse(row.compliance) as string[],
    agent: row.agent,
    createdAt: row.created_at,
    event: {
      seq: e.seq,
      time: e.time,
      action: e.action,
      outcome: e.outcome,
      path: e.path,
      target: e.target,
      user: e.user,
      process: e.process,
    },
  };
}

/** One line per violation: when, severity, who, what, and why. */
export function formatViolation(v: ViolationView): string {
  const who = v.event.user
    ? v.event.user.login === 'unset'
      ? v.event.user.name
      : v.event.user.login
    : 'unknown user';
  const proc = v.event.process ? ` via ${v.event.process.name}` : '';
  return (
    `#${v.id} ${v.event.time} ${v.severity.toUpperCase()} ${v.policy}/${v.rule}: ` +
    `${who}${proc} ${v.event.action} ${v.event.path ?? ''} (${v.event.outcome})\n    ${v.reason}`
  );
}

function printTable(views: ViolationView[]): void {
  if (views.length === 0) {
    console.log('no violations');
    return;
  }
  for (const v of views) console.log(formatViolation(v));
}
