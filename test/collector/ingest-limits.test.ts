import { join } from 'node:path';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openStore } from '../../collector/data-dir.js';
import { serveCollector } from '../../collector/serve.js';
import {
  startCollectorFixture,
  type CollectorFixture,
} from '../helpers/collector-fixture.js';
import { chainPoster, senderOf, type Sender } from './ingest-senders.js';

// Reads are allowed; more than 3 by one person within 10 minutes is not.
const POLICY = `id: records
severity: high
paths: ["/srv/records/**"]
allow:
  - name: readers
    users: [bob]
    actions: [read]
limits:
  - name: bulk-read
    actions: [read]
    max: 3
    window: 10m
    per: user
    severity: high
`;

describe('policy limits on ingest', () => {
  let fx: CollectorFixture;
  let sender: Sender;
  let post: ReturnType<typeof chainPoster>;

  beforeAll(async () => {
    fx = await startCollectorFixture(POLICY);
    sender = senderOf(fx.agent);
    post = chainPoster(() => fx.collector.url, sender);
  }, 60_000);
  afterAll(async () => {
    await sender?.mtls.close();
    await fx?.close();
  });

  async function send(count: number): Promise<void> {
    expect((await post(count)).reply.status).toBe(200);
  }

  function limitViolations(): { reason: string }[] {
    const store = openStore(fx.identity.dir, true);
    try {
      return store.listViolations().filter((v) => v.rule === 'bulk-read');
    } finally {
      store.close();
    }
  }

  describe('when reads pass the limit across a collector restart', () => {
    it('counts from before the restart and flags once', async () => {
      await send(2);
      await fx.collector.close();
      fx.collector = await serveCollector({
        dataDir: fx.identity.dir,
        listen: '127.0.0.1:' + new URL(fx.collector.url).port,
        policiesDir: join(fx.root, 'policies'),
        logger: pino({ level: 'silent' }),
      });
      await send(2);
      await send(3);
      const flagged = limitViolations();
      expect(flagged).toHaveLength(1);
      expect(flagged[0]!.reason).toContain(
        'bulk-read: 4 reads by bob within 10m, limit 3',
      );
    }, 60_000);
  });
});
