import { appendFileSync, existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AccessEvent } from '../../../protocol/event.js';
import {
  metricValue,
  poll,
  postFromNewAgent,
  sendGap,
  sendMix,
  startForwardingCollector,
  storedIds,
  storedViolations,
  TEST_POLL_MS,
  TEST_RETRY,
  waitForIds,
  type ForwardingCollector,
} from './forward-fixture.js';
import { recordId } from './receiver.js';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

describe('forwarding to a file (ECS)', () => {
  let fx: ForwardingCollector;
  let file: string;
  let events: AccessEvent[];
  const byId = new Map<string, Json>();

  beforeAll(async () => {
    fx = await startForwardingCollector((root) => {
      mkdirSync(join(root, 'siem'));
      file = join(root, 'siem', 'vigil.ndjson');
      return {
        format: 'ecs',
        sinks: [{ kind: 'file', path: file }],
        retry: TEST_RETRY,
        pollMs: TEST_POLL_MS,
      };
    });
    events = await sendMix(fx.sender);
    await sendGap(fx);
    await waitForIds('file', storedIds(fx.identity.dir), () => idsIn(file));
    for (const record of records(file)) byId.set(recordId(record), record);
  }, 60_000);

  afterAll(async () => {
    await fx?.close();
  });

  it('writes every stored event and violation as one JSON line', () => {
    const lines = readFileSync(file, 'utf8').split('\n');
    expect(lines.pop()).toBe('');
    expect(() => lines.map((l) => JSON.parse(l) as unknown)).not.toThrow();
    expect(new Set(byId.keys())).toEqual(storedIds(fx.identity.dir));
  });

  it('maps an access to an ECS file event', () => {
    const source = events.find((e) => e.path === '/srv/records/a.csv')!;
    expect(byId.get(`${source.agent.id}:${source.seq}`)).toMatchObject({
      '@timestamp': source.time,
      ecs: { version: '8.11.0' },
      event: {
        id: `${source.agent.id}:${source.seq}`,
        kind: 'event',
        category: ['file'],
        type: ['access'],
        action: 'read',
        outcome: 'success',
        provider: 'audit',
      },
      user: { name: 'alice', id: '1001', effective: { name: 'alice' } },
      process: {
        pid: 42,
        name: 'cat',
        executable: '/usr/bin/cat',
        real_user: { name: 'alice', id: '1001' },
      },
      file: {
        path: '/srv/records/a.csv',
        name: 'a.csv',
        directory: '/srv/records',
        extension: 'csv',
      },
      host: { name: 'build-7' },
      organization: { name: 'acme' },
      agent: { id: source.agent.id, type: 'vigil' },
    });
  });

  it('keeps file details, the rename target and the refusal', () => {
    const doc = (action: string) => {
      const e = events.find((x) => x.action === action)!;
      return byId.get(`${e.agent.id}:${e.seq}`)!;
    };
    expect(doc('chmod')).toMatchObject({
      event: { type: ['change'] },
      file: {
        type: 'file',
        mode: '0640',
        size: 2048,
        inode: '77',
        uid: '1002',
        hash: { sha256: 'ab'.repeat(32) },
      },
    });
    expect(doc('rename')).toMatchObject({
      event: { type: ['change'] },
      vigil: { target: '/srv/records/new.csv' },
    });
    const denied = events.find((e) => e.outcome === 'denied')!;
    expect(byId.get(`${denied.agent.id}:${denied.seq}`)).toMatchObject({
      event: { outcome: 'failure' },
      vigil: { outcome: 'denied' },
    });
  });

  it('maps a policy violation to an alert with its rule', () => {
    const deny = storedViolations(fx.identity.dir).find(
      (v) => v.kind === 'deny',
    )!;
    expect(byId.get(`violation:${deny.id}`)).toMatchObject({
      message: deny.reason,
      event: {
        id: `violation:${deny.id}`,
        kind: 'alert',
        category: ['file'],
        type: ['deletion'],
        severity: 5,
        risk_score: 99,
        reason: deny.reason,
      },
      rule: {
        id: 'records/no-deletes',
        name: 'no-deletes',
        ruleset: 'records',
        category: 'deny',
      },
      user: { name: 'bob' },
      file: { path: '/srv/records/c.csv' },
    });
  });

  it("maps the collector's own findings to host alerts", () => {
    const gap = storedViolations(fx.identity.dir).find(
      (v) => v.kind === 'integrity.gap',
    )!;
    expect(byId.get(`violation:${gap.id}`)).toMatchObject({
      event: {
        kind: 'alert',
        category: ['host'],
        action: 'integrity.gap',
        severity: 4,
      },
      rule: { ruleset: 'vigil.integrity', name: 'integrity.gap' },
      agent: { id: gap.agent },
      vigil: { violation: { id: gap.id, seq: gap.seq } },
    });
  });

  describe('when the collector restarts after a crash cut a line', () => {
    it('resumes after the cursor, drops the cut line, sends nothing twice', async () => {
      await poll('no lag', async () => {
        const lag = metricValue(
          await fx.metrics(),
          'vigil_forward_pending{sink="file"}',
        );
        return lag === 0 ? true : undefined;
      });
      expect(existsSync(join(fx.identity.dir, 'forward', 'file.json'))).toBe(
        true,
      );
      const before = records(file).length;
      await fx.restart();
      appendFileSync(file, '{"event":{"id":"cut');
      const [last] = await postFromNewAgent(fx, 'agent-late');
      if (!last) throw new Error('nothing posted');
      await waitForIds('file', new Set([`${last.agent.id}:${last.seq}`]), () =>
        idsIn(file),
      );
      const lines = readFileSync(file, 'utf8').split('\n').filter(Boolean);
      expect(lines.filter((l) => l.includes('"cut'))).toEqual([]);
      const after = lines.map((l) => JSON.parse(l) as Json);
      const ids = after.map(recordId);
      expect(new Set(ids).size).toBe(ids.length);
      expect(after.length).toBeGreaterThan(before);
    });
  });
});

function records(file: string): Json[] {
  if (!existsSync(file)) return [];
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter(Boolean)
    .flatMap((line) => {
      try {
        return [JSON.parse(line) as Json];
      } catch {
        return [];
      }
    });
}

function idsIn(file: string): Set<string> {
  return new Set(records(file).map(recordId));
}
