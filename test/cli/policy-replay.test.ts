import { createHash } from 'node:crypto';
import {
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { format } from 'node:util';
import Database from 'better-sqlite3';
import { Command, InvalidArgumentError } from 'commander';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { registerPolicyCommands } from '../../cli/policy.js';
import { parseSince } from '../../cli/policy-replay.js';
import { runCli } from '../../cli/run-cli.js';
import { PolicySet } from '../../collector/policy/policy-set.js';
import type { ReplayReport } from '../../collector/policy/replay.js';
import { StoreLimitCounter } from '../../collector/policy/store-limit-counter.js';
import { CollectorStore } from '../../collector/store/store.js';
import { canonicalize } from '../../protocol/canonical.js';
import { hashEvent } from '../../protocol/chain.js';
import type { AccessEvent } from '../../protocol/event.js';
import { event, user } from '../collector/policy/helpers.js';

// In force when the events arrived: analysts read, nobody deletes.
const BEFORE = `id: records
severity: high
paths: [/srv/data/customers/**]
allow: [{ name: analysts-read, groups: [analysts], actions: [read] }]
deny: [{ name: no-deletes, actions: [delete] }]
`;
// Proposed: interns may read too, and more than 10 reads a minute is flagged.
const AFTER = `${BEFORE.replace('[analysts]', '[analysts, interns]')}limits:
  - { name: bulk-read, actions: [read], max: 10, window: 1m, per: user }
`;

const root = mkdtempSync(join(tmpdir(), 'vigil-replay-'));
const data = join(root, 'data');
afterAll(() => rmSync(root, { recursive: true, force: true }));

function policyDir(name: string, text: string): string {
  const dir = join(root, name);
  mkdirSync(dir);
  writeFileSync(join(dir, 'records.yaml'), text);
  return dir;
}

const intern = user('vigil-intern', ['vigil-intern', 'interns']);
const readAt = (seq: number, time: string): AccessEvent =>
  event({ seq, time, path: '/srv/data/customers/a.csv' });
const events: AccessEvent[] = [
  { ...readAt(1, '2026-03-02T08:00:00Z'), user: intern },
  ...Array.from({ length: 11 }, (_, i) =>
    readAt(2 + i, `2026-03-04T03:15:${String(i * 5).padStart(2, '0')}Z`),
  ),
  { ...readAt(13, '2026-03-04T03:20:00Z'), action: 'delete' },
  event({
    seq: 14,
    time: '2026-03-04T03:21:00Z',
    source: 'agent',
    action: 'heartbeat',
    path: undefined,
  }),
];

/** Stores events and violations the way ingest does, with BEFORE in force. */
function fillStore(): void {
  mkdirSync(data);
  const store = new CollectorStore(join(data, 'store.db'));
  const set = PolicySet.fromDocuments([{ file: 'r.yaml', text: BEFORE }]);
  const counter = new StoreLimitCounter(store);
  const at = '2026-03-05T00:00:00.000Z';
  store.transaction(() => {
    for (const e of events) {
      const canonical = canonicalize(e);
      const hash = hashEvent(e);
      store.insertEvent({ agent: e.agent.id, seq: e.seq, hash, canonical });
      for (const d of set.evaluate(e, counter)) {
        store.insertViolation({
          ...{ agent: e.agent.id, seq: e.seq, policy: d.policy, rule: d.rule },
          ...{ kind: d.kind, severity: d.severity, reason: d.reason },
          ...{ policy_hash: d.policyHash, compliance: '[]', created_at: at },
        });
      }
    }
    // Rows replay must leave alone: a damaged event, integrity and watchdog.
    const bad = { agent: 'ws-07', seq: 15, hash: 'x'.repeat(64) };
    store.insertEvent({ ...bad, canonical: '{"time":' });
    for (const [kind, seq] of [
      ['integrity.gap', 99],
      ['agent.silent', 0],
    ] as const) {
      store.insertViolation({
        ...{ agent: 'ws-07', seq, policy: kind, rule: kind, kind },
        ...{
          severity: 'high',
          reason: kind,
          policy_hash: '',
          compliance: '[]',
        },
        created_at: at,
      });
    }
  });
  store.close();
}

/** Every row of every table, and the store file's hash and mtime. */
function snapshot(): unknown {
  const file = join(data, 'store.db');
  const db = new Database(file, { readonly: true });
  const tables = db
    .prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY 1")
    .pluck()
    .all() as string[];
  const rows = tables.map((t) => [t, db.prepare(`SELECT * FROM ${t}`).all()]);
  db.close();
  const bytes = createHash('sha256').update(readFileSync(file)).digest('hex');
  return { rows, bytes, mtime: statSync(file).mtimeMs };
}

async function vigil(args: string[]): Promise<{ code: number; out: string }> {
  const out: string[] = [];
  const log = vi.spyOn(console, 'log').mockImplementation((...parts) => {
    out.push(format(...parts));
  });
  const program = new Command('vigil').exitOverride();
  registerPolicyCommands(program);
  try {
    process.exitCode = undefined;
    await runCli(program, ['node', 'vigil', ...args]);
    return { code: Number(process.exitCode ?? 0), out: out.join('\n') };
  } finally {
    process.exitCode = undefined;
    log.mockRestore();
  }
}

const replay = (policies: string, since: string, ...more: string[]) =>
  vigil([
    'policy',
    'replay',
    '--data',
    data,
    '--policies',
    policies,
    '--since',
    since,
    ...more,
  ]);

describe('vigil policy replay', () => {
  let before: string;
  let after: string;
  beforeAll(() => {
    fillStore();
    before = policyDir('before', BEFORE);
    after = policyDir('after', AFTER);
  });

  describe('when the policies in force are replayed', () => {
    it('finds no difference', async () => {
      const { code, out } = await replay(before, '2026-03-01');
      expect(code).toBe(0);
      expect(out).toBe(
        [
          'replayed 13 events since 2026-03-01T00:00:00.000Z (1 unreadable, skipped) against 1 policy',
          'these policies raise 2 violations; 2 of them are stored, of 2 stored',
          'no difference: they raise exactly the stored violations',
        ].join('\n'),
      );
    });
  });

  describe('when new policies are replayed', () => {
    it('lists what they would add and what they would no longer raise', async () => {
      const { out } = await replay(after, '2026-03-01');
      expect(out).toBe(
        [
          'replayed 13 events since 2026-03-01T00:00:00.000Z (1 unreadable, skipped) against 1 policy',
          'these policies raise 2 violations; 1 of them are stored, of 2 stored',
          '',
          'new: 1',
          '  + ws-07#12 2026-03-04T03:15:50Z records/bulk-read high: bulk-read: 11 reads by vigil-analyst within 1m, limit 10',
          '',
          'no longer raised: 1',
          '  - ws-07#1 2026-03-02T08:00:00Z records/default-deny high: default-deny: no allow rule of policy records permits read by vigil-intern (groups: vigil-intern, interns); rule analysts-read needs group analysts',
        ].join('\n'),
      );
    });

    it('counts limits from before --since, but reports only from it on', async () => {
      const { out } = await replay(after, '2026-03-04T03:15:30Z', '--json');
      const report = JSON.parse(out) as ReplayReport;
      expect(report).toMatchObject({
        since: '2026-03-04T03:15:30.000Z',
        events: 6,
        unreadable: 1,
        stored: 1,
        removed: [],
      });
      expect(report.added).toEqual([
        {
          agent: 'ws-07',
          seq: 12,
          time: '2026-03-04T03:15:50Z',
          policy: 'records',
          rule: 'bulk-read',
          kind: 'limit',
          severity: 'high',
          reason: 'bulk-read: 11 reads by vigil-analyst within 1m, limit 10',
        },
      ]);
    });
  });

  describe('when it runs', () => {
    it('writes nothing to the store', async () => {
      const was = snapshot();
      await replay(after, '2026-03-01');
      await replay(after, '2026-03-01', '--json');
      expect(snapshot()).toEqual(was);
    });
  });

  describe('when the data directory holds no store', () => {
    it('fails with the collector error code', async () => {
      const { code } = await vigil([
        'policy',
        'replay',
        '--data',
        root,
        '--policies',
        after,
      ]);
      expect(code).toBe(1);
    });
  });
});

describe('parseSince', () => {
  const now = Date.parse('2026-03-08T00:00:00Z');

  it('reads a duration back from now, an RFC 3339 time or a date', () => {
    expect(parseSince('7d', now)).toBe(Date.parse('2026-03-01T00:00:00Z'));
    expect(parseSince('90m', now)).toBe(now - 90 * 60 * 1000);
    expect(parseSince('2026-03-04T11:15:00+08:00')).toBe(
      Date.parse('2026-03-04T03:15:00Z'),
    );
    expect(parseSince('2026-03-04')).toBe(Date.parse('2026-03-04T00:00:00Z'));
  });

  it('refuses anything else', () => {
    for (const bad of ['7 days', '-1d', '0d', 'yesterday', '2026-02-30']) {
      expect(() => parseSince(bad, now)).toThrow(InvalidArgumentError);
    }
  });
});
