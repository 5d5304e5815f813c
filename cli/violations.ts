import type { Command } from 'commander';
import { resolve } from 'node:path';
import { openStore } from '../collector/data-dir.js';
import type { PeopleApiClient } from '../collector/people/api-client.js';
import { peopleClient } from './people-client.js';
import {
  listViolationPage,
  parseViolationId,
  violationDetail,
  type ViolationPage,
} from '../collector/people/violation-reads.js';
import { parseViolationQuery } from '../collector/people/violation-query.js';
import {
  formatDetail,
  formatViolation as formatViolationText,
} from '../collector/people/violation-text.js';
import type {
  EventSummary,
  ViolationDetail,
  ViolationSummary,
} from '../collector/people/violation-view.js';
import type { TriageAction } from '../collector/people/triage.js';
import { printable } from './printable.js';

/** A violation as `vigil violations list` prints it, safe for a terminal. */
export function formatViolation(v: ViolationSummary): string {
  return formatViolationText(v, printable);
}

/** A violation that names an event, as `vigil violations list --json` prints it. */
export interface ViolationView extends ViolationSummary {
  event: EventSummary;
}

/** Where the violations are: a local store, or a collector's API. */
interface Source {
  data?: string;
  collector?: string;
  apiToken?: string;
  ca?: string;
  json?: boolean;
}

interface ListOptions extends Source {
  status?: string;
  severity?: string;
  policy?: string;
  kind?: string;
  vendor?: string;
  agent?: string;
  since?: string;
  until?: string;
  after?: string;
  limit?: string;
}

const FILTERS = [
  'status',
  'severity',
  'policy',
  'kind',
  'vendor',
  'agent',
  'since',
  'until',
  'after',
  'limit',
] as const;

const TRIAGE: { action: TriageAction; what: string; noteRequired: boolean }[] =
  [
    { action: 'ack', what: 'acknowledge a violation', noteRequired: false },
    { action: 'resolve', what: 'resolve a violation', noteRequired: true },
    {
      action: 'reopen',
      what: 'reopen a resolved violation',
      noteRequired: false,
    },
  ];

export function registerViolationsCommands(program: Command): void {
  const violations = program
    .command('violations')
    .description(
      'review and triage flagged accesses, from the local store or a ' +
        'running collector',
    );
  withSource(violations.command('list'))
    .description('list violations, oldest first')
    .option('--status <list>', 'open, acknowledged, resolved (comma-separated)')
    .option('--severity <list>', 'low, medium, high, critical')
    .option('--policy <list>', 'policy ids (vigil.watchdog, vigil.integrity …)')
    .option('--kind <list>', 'deny, default-deny, agent.silent …')
    .option('--vendor <list>', 'vendors of the agents')
    .option('--agent <list>', 'agent ids')
    .option('--since <time>', 'flagged at or after: RFC 3339 or an age (24h)')
    .option('--until <time>', 'flagged before: RFC 3339 or an age')
    .option('--after <id>', 'only ids above this (the next page)')
    .option('--limit <n>', 'at most this many (collector default 100)')
    .action(async (opts: ListOptions, cmd: Command) => {
      const page = await withTarget(opts, cmd, {
        local: (dir) => listLocal(dir, opts),
        remote: (client) =>
          client.get<ViolationPage>('/v1/violations', query(opts)),
      });
      printPage(page, opts.json === true);
    });
  withSource(violations.command('show <id>'))
    .description('show one violation with its event(s) and triage history')
    .action(async (id: string, opts: Source, cmd: Command) => {
      const detail = await withTarget(opts, cmd, {
        local: (dir) => showLocal(dir, id),
        remote: (client) =>
          client.get<ViolationDetail>(
            `/v1/violations/${encodeURIComponent(id)}`,
          ),
      });
      console.log(
        opts.json
          ? JSON.stringify(detail, null, 2)
          : formatDetail(detail, printable),
      );
    });
  for (const { action, what, noteRequired } of TRIAGE) {
    const command = withRemote(
      violations
        .command(`${action} <id>`)
        .option('--data <dir>', 'collector data directory whose CA to trust'),
    )
      .description(`${what}; recorded with your name`)
      .option('--note <text>', noteRequired ? 'why (required)' : 'why');
    command.action(
      async (id: string, opts: Source & { note?: string }, cmd: Command) => {
        if (noteRequired && !opts.note?.trim()) {
          cmd.error(`error: ${action} needs --note saying why`);
        }
        const detail = await withTarget(opts, cmd, {
          remote: (client) =>
            client.post<ViolationDetail>(
              `/v1/violations/${encodeURIComponent(id)}/${action}`,
              opts.note === undefined ? {} : { note: opts.note },
            ),
        });
        console.log(
          opts.json
            ? JSON.stringify(detail, null, 2)
            : formatDetail(detail, printable),
        );
      },
    );
  }
}

function withSource(cmd: Command): Command {
  return withRemote(
    cmd.option(
      '--data <dir>',
      'collector data directory: its local store, or with --collector its CA',
    ),
  );
}

function withRemote(cmd: Command): Command {
  return cmd
    .option('--collector <url>', 'a running collector, https://HOST:PORT')
    .option(
      '--api-token <token>',
      'your API token (better: the VIGIL_API_TOKEN environment variable)',
    )
    .option('--ca <file>', "the collector's CA (default: ca.pem of --data)")
    .option('--json', 'print JSON');
}

/**
 * Runs against a collector when --collector is given, else against the
 * local store of --data. Triage has no local form: every change is made
 * through the API so that it names the person who made it.
 */
async function withTarget<T>(
  opts: Source,
  cmd: Command,
  run: {
    local?: (dataDir: string) => T;
    remote: (client: PeopleApiClient) => Promise<T>;
  },
): Promise<T> {
  if (!opts.collector) {
    if (opts.data && run.local) return run.local(resolve(opts.data));
    cmd.error(
      run.local
        ? 'error: give --data DIR (local store) or --collector URL'
        : 'error: give --collector URL (with --api-token or VIGIL_API_TOKEN)',
    );
  }
  const client = peopleClient({ ...opts, collector: opts.collector }, cmd);
  try {
    return await run.remote(client);
  } finally {
    await client.close();
  }
}

function listLocal(dataDir: string, opts: ListOptions): ViolationPage {
  const store = openStore(dataDir, true);
  try {
    return listViolationPage(
      store,
      parseViolationQuery(query(opts), { paged: false }),
    );
  } finally {
    store.close();
  }
}

function showLocal(dataDir: string, id: string): ViolationDetail {
  const store = openStore(dataDir, true);
  try {
    return violationDetail(store, parseViolationId(id));
  } finally {
    store.close();
  }
}

function query(opts: ListOptions): Record<string, string | undefined> {
  return Object.fromEntries(
    FILTERS.filter((key) => opts[key] !== undefined).map((key) => [
      key,
      opts[key],
    ]),
  );
}

function printPage(page: ViolationPage, json: boolean): void {
  if (json) console.log(JSON.stringify(page.violations, null, 2));
  else if (page.violations.length === 0) console.log('no violations');
  else for (const v of page.violations) console.log(formatViolation(v));
  if (page.next !== null) {
    process.stderr.write(`more: add --after ${page.next} for the next page\n`);
  }
}
