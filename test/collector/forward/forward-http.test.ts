import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AccessEvent } from '../../../protocol/event.js';
import {
  metricValue,
  poll,
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
import { startReceiver, type Receiver } from './receiver.js';

const TOKEN = 'siem-token-5b1e0c7d9a';
/** The receiver answers 503 to this many requests before taking any. */
const UNAVAILABLE_FIRST = 3;

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

describe('forwarding to an HTTP receiver (OCSF)', () => {
  let receiver: Receiver;
  let fx: ForwardingCollector;
  let events: AccessEvent[];
  let logFile: string;
  const byId = new Map<string, Json>();

  beforeAll(async () => {
    receiver = await startReceiver(({ index, headers }) => {
      if (headers.authorization !== `Bearer ${TOKEN}`) return { status: 401 };
      return index < UNAVAILABLE_FIRST
        ? { status: 503, headers: { 'retry-after': '1' } }
        : { status: 200 };
    });
    fx = await startForwardingCollector(
      () => ({
        format: 'ocsf',
        sinks: [{ kind: 'http', url: new URL(receiver.url), token: TOKEN }],
        retry: TEST_RETRY,
        pollMs: TEST_POLL_MS,
      }),
      { log: true },
    );
    logFile = fx.logFile!;
    events = await sendMix(fx.sender);
    await sendGap(fx);
    await waitForIds('receiver', storedIds(fx.identity.dir), () =>
      receiver.ids(),
    );
    for (const { id, record } of receiver.records) byId.set(id, record);
  }, 60_000);

  afterAll(async () => {
    await fx?.close();
    await receiver?.close();
  });

  it('delivers every stored event and violation', () => {
    const expected = storedIds(fx.identity.dir);
    expect(expected.size).toBeGreaterThan(events.length);
    expect([...expected].filter((id) => !byId.has(id))).toEqual([]);
  });

  it('sends duplicates only as identical copies under the same id', () => {
    const first = new Map<string, string>();
    for (const { id, text } of receiver.records) {
      expect(first.get(id) ?? text).toBe(text);
      first.set(id, text);
    }
  });

  it('POSTs NDJSON with the bearer token', () => {
    const accepted = receiver.requests.filter((r) => r.status === 200);
    expect(accepted.length).toBeGreaterThan(0);
    for (const request of accepted) {
      expect(request.headers['content-type']).toBe('application/x-ndjson');
    }
  });

  describe('when the receiver answers 503 with Retry-After', () => {
    it('retries the same page until it is taken, losing nothing', async () => {
      const refused = receiver.requests.slice(0, UNAVAILABLE_FIRST);
      expect(refused.map((r) => r.status)).toEqual([503, 503, 503]);
      expect(receiver.requests[UNAVAILABLE_FIRST]!.lines).toEqual(
        refused[0]!.lines,
      );
      const metrics = await fx.metrics();
      expect(
        metricValue(
          metrics,
          'vigil_forward_failures_total{sink="http",code="VIGIL_FORWARD_FAILED"}',
        ),
      ).toBe(UNAVAILABLE_FIRST);
    });

    it('waits the second Retry-After asks between tries', () => {
      // Checked through the log's retryInMs: the delay asked, not a clock.
      const delays = logLines(logFile)
        .filter((l) => l.msg === 'forwarding failed; retrying')
        .map((l) => l.retryInMs);
      expect(delays).toEqual([1000, 1000, 1000]);
    });
  });

  it('counts what it forwarded and shows no lag once done', async () => {
    const metrics = await poll('no lag', async () => {
      const text = await fx.metrics();
      const lag = metricValue(text, 'vigil_forward_pending{sink="http"}');
      return lag === 0 ? text : undefined;
    });
    const sent = metricValue(
      metrics,
      'vigil_forward_records_total{sink="http"}',
    );
    expect(sent).toBeGreaterThanOrEqual(storedIds(fx.identity.dir).size);
  });

  describe('an access', () => {
    it('becomes File System Activity with actor, file and device', () => {
      const source = events.find((e) => e.path === '/srv/records/a.csv')!;
      const record = byId.get(`${source.agent.id}:${source.seq}`)!;
      expect(record).toMatchObject({
        class_uid: 1001,
        category_uid: 1,
        activity_id: 2,
        activity_name: 'Read',
        type_uid: 100102,
        time: Date.parse(source.time),
        status_id: 1,
        severity_id: 1,
        actor: {
          user: { name: 'alice', uid: '1001' },
          process: { pid: 42, name: 'cat', file: { path: '/usr/bin/cat' } },
        },
        file: {
          path: '/srv/records/a.csv',
          name: 'a.csv',
          parent_folder: '/srv/records',
        },
        device: {
          hostname: 'build-7',
          uid: source.agent.id,
          org: { name: 'acme' },
        },
        metadata: {
          version: '1.5.0',
          product: { name: 'Vigil', vendor_name: 'Vigil' },
          uid: `${source.agent.id}:${source.seq}`,
          original_time: source.time,
        },
      });
      expect(record.metadata.profiles).toBeUndefined();
    });

    it('keeps the rename target, the file details and the kernel refusal', () => {
      const find = (action: string) =>
        byId.get(
          `${events[0]!.agent.id}:${events.find((e) => e.action === action)!.seq}`,
        )!;
      expect(find('rename')).toMatchObject({
        activity_id: 5,
        file: { path: '/srv/records/old.csv' },
        file_result: { path: '/srv/records/new.csv', name: 'new.csv' },
      });
      expect(find('chmod')).toMatchObject({
        activity_id: 7,
        type_uid: 100107,
        file: {
          type_id: 1,
          size: 2048,
          uid: '77',
          owner: { uid: '1002' },
          hashes: [{ algorithm_id: 3, value: 'ab'.repeat(32) }],
        },
        unmapped: { vigil: { file_mode: '0100640' } },
      });
      const denied = events.find((e) => e.outcome === 'denied')!;
      expect(byId.get(`${denied.agent.id}:${denied.seq}`)).toMatchObject({
        status_id: 2,
        status: 'Failure',
        status_code: 'denied',
      });
      const fsWrite = events.find((e) => e.source === 'fs')!;
      const record = byId.get(`${fsWrite.agent.id}:${fsWrite.seq}`)!;
      expect(record).toMatchObject({ activity_id: 3, actor: {} });
      expect(record.actor.user).toBeUndefined();
    });

    it("forwards the agent's meta events as Base Event", () => {
      const beat = events.find((e) => e.action === 'heartbeat')!;
      expect(byId.get(`${beat.agent.id}:${beat.seq}`)).toMatchObject({
        class_uid: 0,
        activity_id: 99,
        activity_name: 'heartbeat',
        unmapped: { vigil: { detail: beat.detail } },
      });
    });
  });

  describe('a policy violation', () => {
    it('is the activity with the security_control profile and the policy', () => {
      const deny = storedViolations(fx.identity.dir).find(
        (v) => v.kind === 'deny',
      )!;
      const source = events.find((e) => e.seq === deny.seq)!;
      expect(source.action).toBe('delete');
      expect(byId.get(`violation:${deny.id}`)).toMatchObject({
        class_uid: 1001,
        activity_id: 4,
        type_uid: 100104,
        time: Date.parse(source.time),
        severity_id: 5,
        severity: 'Critical',
        message: deny.reason,
        metadata: {
          uid: `violation:${deny.id}`,
          profiles: ['security_control'],
        },
        action_id: 3,
        disposition_id: 15,
        is_alert: true,
        policy: { uid: 'records', name: 'records' },
        actor: { user: { name: 'bob' } },
        file: { path: '/srv/records/c.csv' },
        unmapped: {
          vigil: {
            violation: {
              id: deny.id,
              rule: 'no-deletes',
              kind: 'deny',
              event_uid: `${source.agent.id}:${source.seq}`,
            },
          },
        },
      });
    });
  });

  describe("the collector's own findings", () => {
    it('are Detection Findings, with the event they rest on when there is one', () => {
      const violations = storedViolations(fx.identity.dir);
      const coverage = violations.find((v) => v.kind === 'agent.coverage')!;
      const gap = violations.find((v) => v.kind === 'integrity.gap')!;
      expect(byId.get(`violation:${coverage.id}`)).toMatchObject({
        class_uid: 2004,
        category_uid: 2,
        activity_id: 1,
        type_uid: 200401,
        severity_id: 4,
        is_alert: true,
        finding_info: {
          uid: `violation:${coverage.id}`,
          title: 'agent.coverage',
          types: ['vigil.watchdog'],
          related_events: [{ uid: `${coverage.agent}:${coverage.seq}` }],
        },
        device: { uid: coverage.agent, hostname: expect.any(String) },
      });
      const record = byId.get(`violation:${gap.id}`)!;
      expect(record).toMatchObject({
        class_uid: 2004,
        message: gap.reason,
        finding_info: { title: 'integrity.gap', types: ['vigil.integrity'] },
        unmapped: {
          vigil: { violation: { seq: gap.seq, kind: 'integrity.gap' } },
        },
      });
      expect(record.finding_info.related_events).toBeUndefined();
    });
  });

  it('never writes the token to its log', () => {
    const log = readFileSync(logFile, 'utf8');
    expect(log).toContain('forwarding failed; retrying');
    expect(log).not.toContain(TOKEN);
  });
});

function logLines(file: string): Json[] {
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as Json);
}
