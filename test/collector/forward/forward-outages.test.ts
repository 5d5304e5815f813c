import { mkdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort, waitFor } from '../../helpers/vigil-cli.js';
import { access } from '../live-collector.js';
import {
  metricValue,
  poll,
  sendMix,
  startForwardingCollector,
  storedIds,
  TEST_POLL_MS,
  TEST_RETRY,
  waitForIds,
  type ForwardingCollector,
} from './forward-fixture.js';
import { startReceiver, type Receiver } from './receiver.js';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

describe('forwarding when the receiver is down at start', () => {
  let fx: ForwardingCollector;
  let receiver: Receiver | undefined;
  let port: number;

  beforeAll(async () => {
    port = await freePort();
    fx = await startForwardingCollector(() => ({
      format: 'ocsf',
      sinks: [{ kind: 'http', url: new URL(`http://127.0.0.1:${port}/in`) }],
      retry: TEST_RETRY,
      pollMs: TEST_POLL_MS,
    }));
  }, 60_000);

  afterAll(async () => {
    await fx?.close();
    await receiver?.close();
  });

  it('keeps the records pending, then delivers them all once it is up', async () => {
    await sendMix(fx.sender);
    await poll('failed tries with records pending', async () => {
      const text = await fx.metrics();
      const failed = metricValue(
        text,
        'vigil_forward_failures_total{sink="http",code="VIGIL_FORWARD_FAILED"}',
      );
      const lag = metricValue(text, 'vigil_forward_pending{sink="http"}');
      return failed && lag ? true : undefined;
    });
    const expected = storedIds(fx.identity.dir);
    receiver = await startReceiver(undefined, port);
    await waitForIds('receiver', expected, () => receiver!.ids());
  });
});

describe('forwarding when the receiver refuses one record', () => {
  let fx: ForwardingCollector;
  let receiver: Receiver;
  const poison = '/srv/records/poison.csv';

  beforeAll(async () => {
    // Like a SIEM whose mapping rejects one document: 400 for any page
    // holding it, whatever else the page holds.
    receiver = await startReceiver(({ lines }) => ({
      status: lines.some((l) => l.includes(poison)) ? 400 : 200,
    }));
    fx = await startForwardingCollector(() => ({
      format: 'ecs',
      sinks: [{ kind: 'http', url: new URL(receiver.url) }],
      retry: TEST_RETRY,
      pollMs: TEST_POLL_MS,
    }));
  }, 60_000);

  afterAll(async () => {
    await fx?.close();
    await receiver?.close();
  });

  it('delivers the others and keeps the refused one in the dead-letter file', async () => {
    const reply = await fx.sender.send([
      access('/srv/records/1.csv', 'alice'),
      access(poison, 'alice'),
      access('/srv/records/3.csv', 'alice'),
      access('/srv/records/4.csv', 'alice'),
    ]);
    const poisoned = reply.events[1]!;
    const poisonId = `${poisoned.agent.id}:${poisoned.seq}`;
    const expected = storedIds(fx.identity.dir);
    expected.delete(poisonId);
    await waitForIds('receiver', expected, () => receiver.ids());
    const deadFile = join(
      fx.identity.dir,
      'forward',
      'http.dead-letter.ndjson',
    );
    const dead = await waitFor('dead letter', () => {
      try {
        const text = readFileSync(deadFile, 'utf8');
        return text.length > 0 ? text : undefined;
      } catch {
        return undefined;
      }
    });
    const lines = dead
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Json);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({
      event: { id: poisonId },
      file: { path: poison },
    });
    expect(receiver.ids().has(poisonId)).toBe(false);
    expect(
      metricValue(
        await fx.metrics(),
        'vigil_forward_dead_letters_total{sink="http"}',
      ),
    ).toBe(1);
  });
});

describe('forwarding when the cursor cannot be saved', () => {
  let fx: ForwardingCollector;
  let file: string;

  beforeAll(async () => {
    fx = await startForwardingCollector((root) => {
      file = join(root, 'out.ndjson');
      return {
        format: 'ocsf',
        sinks: [{ kind: 'file', path: file }],
        retry: TEST_RETRY,
        pollMs: TEST_POLL_MS,
      };
    });
  }, 60_000);

  afterAll(async () => {
    await fx?.close();
  });

  it('sends the page again until it can, then catches up', async () => {
    // A folder where the cursor file goes: the rename onto it fails.
    const cursor = join(fx.identity.dir, 'forward', 'file.json');
    mkdirSync(join(cursor, 'in-the-way'), { recursive: true });
    await sendMix(fx.sender);
    await poll('failed cursor saves', async () => {
      const failed = metricValue(
        await fx.metrics(),
        'vigil_forward_failures_total{sink="file",code="VIGIL_FORWARD_FAILED"}',
      );
      return failed && failed >= 2 ? true : undefined;
    });
    rmSync(cursor, { recursive: true });
    await poll('no lag', async () => {
      const lag = metricValue(
        await fx.metrics(),
        'vigil_forward_pending{sink="file"}',
      );
      return lag === 0 ? true : undefined;
    });
    const ids = readFileSync(file, 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((l) => (JSON.parse(l) as Json).metadata.uid as string);
    expect(ids.length).toBeGreaterThan(new Set(ids).size);
    expect(new Set(ids)).toEqual(storedIds(fx.identity.dir));
  });
});
