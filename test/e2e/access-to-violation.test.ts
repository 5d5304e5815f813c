import { chmodSync, chownSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  hashEvent,
  hashCanonicalEvent,
  verifyChainLinks,
} from '../../protocol/chain.js';
import type { AccessEvent } from '../../protocol/event.js';
import type { ViolationView } from '../../cli/violations.js';
import { auditReady } from '../helpers/audit.js';
import { deploy, type Deployment } from '../helpers/deployment.js';
import { ensureGroup, ensureUser, runAs } from '../helpers/linux-users.js';
import {
  requireBuild,
  stopDaemon,
  vigil,
  waitFor,
} from '../helpers/vigil-cli.js';

const ANALYST = 'vigil-analyst';
const INTERN = 'vigil-intern';
const ready = await auditReady();

describe.runIf(ready)(
  'end to end: a real access becomes a flagged violation',
  () => {
    let d: Deployment;
    let customers: string;
    let dataDir: string;
    let root: string;
    let analystUid: number;

    beforeAll(async () => {
      requireBuild();
      ensureGroup('analysts');
      analystUid = ensureUser(ANALYST, ['analysts']);
      ensureUser(INTERN);
      d = await deploy({
        policy: (r) => policyYaml(join(r, 'customers')),
        watch: (r) => [join(r, 'customers')],
      });
      ({ root, dataDir } = d);
      customers = join(root, 'customers');
      chmodSync(customers, 0o777);
      writeFileSync(join(customers, 'clients.csv'), 'id,name\n1,Li Wei\n', {
        mode: 0o644,
      });
      writeFileSync(join(customers, 'secret.csv'), 'id,iban\n', {
        mode: 0o600,
      });
      writeFileSync(join(customers, 'old.csv'), 'id\n', { mode: 0o644 });
      chownSync(join(customers, 'old.csv'), analystUid, 0);
      await d.startAgent();
    }, 120_000);

    afterAll(async () => {
      await d?.close();
    });

    it('does not flag a read by an analyst', async () => {
      expect(runAs(ANALYST, ['cat', join(customers, 'clients.csv')])).toBe(0);
      const event = await eventWhere(
        (e) =>
          e.action === 'read' &&
          e.user?.name === ANALYST &&
          e.path === join(customers, 'clients.csv'),
      );
      expect(event.process?.name).toBe('cat');
      expect(violationsOf(event)).toEqual([]);
    });

    it('flags a read by the intern as default deny, naming the intern and cat', async () => {
      expect(runAs(INTERN, ['cat', join(customers, 'clients.csv')])).toBe(0);
      const event = await eventWhere(
        (e) =>
          e.action === 'read' &&
          e.user?.name === INTERN &&
          e.outcome === 'success',
      );
      const [violation, ...rest] = await waitFor('violation', () =>
        nonEmpty(violationsOf(event)),
      );
      expect(rest).toEqual([]);
      expect(violation!.rule).toBe('default-deny');
      expect(violation!.event.user?.name).toBe(INTERN);
      expect(violation!.event.process?.name).toBe('cat');
      expect(violation!.reason).toContain(INTERN);
    });

    it('records a read the OS refused with outcome denied, and flags it', async () => {
      expect(runAs(INTERN, ['cat', join(customers, 'secret.csv')])).not.toBe(0);
      const event = await eventWhere(
        (e) =>
          e.path === join(customers, 'secret.csv') && e.user?.name === INTERN,
      );
      expect(event.outcome).toBe('denied');
      const violations = await waitFor('violation', () =>
        nonEmpty(violationsOf(event)),
      );
      expect(violations[0]!.event.outcome).toBe('denied');
    });

    it('flags a delete by the analyst under the deny rule', async () => {
      expect(runAs(ANALYST, ['rm', join(customers, 'old.csv')])).toBe(0);
      const event = await eventWhere(
        (e) => e.action === 'delete' && e.path === join(customers, 'old.csv'),
      );
      const violations = await waitFor('violation', () =>
        nonEmpty(violationsOf(event)),
      );
      expect(violations.map((v) => v.rule)).toEqual(['no-deletes']);
      expect(violations[0]!.severity).toBe('critical');
    });

    it('names the login user and the effective user apart', async () => {
      const file = join(customers, 'clients.csv');
      const script = `echo ${analystUid} > /proc/self/loginuid && exec runuser -u ${INTERN} -- cat ${file}`;
      expect(spawnSync('sh', ['-c', script], { stdio: 'ignore' }).status).toBe(
        0,
      );
      const event = await eventWhere(
        (e) =>
          e.action === 'read' &&
          e.user?.auid === analystUid &&
          e.user?.name === INTERN,
      );
      expect(event.user?.login).toBe(ANALYST);
      expect(event.user?.effective).toBe(INTERN);
    });

    it('shows coverage and counters that add up in agent status', () => {
      const out = vigil([
        'agent',
        'status',
        '--state',
        join(root, 'agent'),
        '--json',
      ]);
      expect(out.status).toBe(0);
      const status = JSON.parse(out.stdout) as {
        spool: { events: number };
        counters: Record<string, number>;
        log: { index: number; size: number; origin: string } | null;
        running: {
          sensors: string[];
          coverage: { watched: string[]; designated: string[] };
        };
      };
      expect(status.running.sensors).toEqual(['audit']);
      expect(status.running.coverage.watched).toEqual([customers]);
      expect(status.running.coverage.designated).toEqual([`${customers}/**`]);
      const { captured = 0, sent = 0, dropped = 0 } = status.counters;
      expect(captured).toBeGreaterThan(0);
      expect(sent + status.spool.events + dropped).toBe(captured);
      // The last receipt proved its batch is a leaf of the collector's log.
      expect(status.log).not.toBeNull();
      expect(status.log!.index).toBeLessThan(status.log!.size);
      expect(status.log!.origin).toMatch(/^vigil\.invalid\/collector\//);
    });

    it('exports the evidence as a bundle an auditor verifies offline', () => {
      const bundle = join(root, 'evidence.jsonl');
      const stored = d.storedEvents().length;
      const range = [
        '--from',
        '2000-01-01T00:00:00Z',
        '--to',
        '2100-01-01T00:00:00Z',
      ];
      expect(
        vigil(['export', '--data', dataDir, ...range, '--out', bundle]).status,
      ).toBe(0);
      const verified = vigil([
        'verify',
        bundle,
        '--ca',
        join(dataDir, 'ca.pem'),
        '--json',
      ]);
      expect(verified.status).toBe(0);
      const out = JSON.parse(verified.stdout) as {
        ok: boolean;
        report: { events: number };
      };
      expect(out.ok).toBe(true);
      expect(out.report.events).toBeGreaterThanOrEqual(stored);
    });

    it('stores a chain that verifies from seq 1 to the last from the store alone', async () => {
      await stopDaemon(d.agent);
      const db = new Database(join(dataDir, 'store.db'), { readonly: true });
      const rows = db
        .prepare('SELECT * FROM events ORDER BY agent, seq')
        .all() as { seq: number; hash: string; canonical: string }[];
      db.close();
      expect(rows.length).toBeGreaterThan(5);
      for (const row of rows) {
        expect(hashCanonicalEvent(row.canonical)).toBe(row.hash);
      }
      const events = rows.map((r) => JSON.parse(r.canonical) as AccessEvent);
      expect(events[0]!.seq).toBe(1);
      const head = verifyChainLinks(events);
      expect(head).toBe(hashEvent(events.at(-1)!));
      expect(events.at(-1)!.action).toBe('agent.stop');
    });

    function eventWhere(
      match: (e: AccessEvent) => boolean,
    ): Promise<AccessEvent> {
      return waitFor('event', () => d.storedEvents().find(match));
    }

    function violationsOf(event: AccessEvent): ViolationView[] {
      const out = vigil(['violations', 'list', '--data', dataDir, '--json']);
      expect(out.status).toBe(0);
      return (JSON.parse(out.stdout) as ViolationView[]).filter(
        (v) => v.event?.seq === event.seq,
      );
    }
  },
);

function nonEmpty<T>(list: T[]): T[] | undefined {
  return list.length ? list : undefined;
}

function policyYaml(customers: string): string {
  return `id: customer-records
description: Customer records are read by the analysts only; nobody deletes them.
severity: high
paths: ["${customers}/**"]
allow:
  - name: analysts-read
    groups: [analysts]
    actions: [read]
deny:
  - name: no-deletes
    actions: [delete, rename]
    severity: critical
`;
}
