import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openStore } from '../../collector/data-dir.js';
import {
  startCollectorFixture,
  type CollectorFixture,
} from '../helpers/collector-fixture.js';
import { chainPoster, senderOf, type Sender } from './ingest-senders.js';

const ALLOW_BOB = `id: records
severity: high
paths: ["/srv/records/**"]
allow:
  - { name: readers, users: [bob], actions: [read] }
`;
const ALLOW_ALICE = ALLOW_BOB.replace('[bob]', '[alice]');

describe('policy reload', () => {
  let fx: CollectorFixture;
  let sender: Sender;
  let post: ReturnType<typeof chainPoster>;

  beforeAll(async () => {
    fx = await startCollectorFixture(ALLOW_BOB);
    sender = senderOf(fx.agent);
    post = chainPoster(() => fx.collector.url, sender);
  }, 60_000);
  afterAll(async () => {
    await sender?.mtls.close();
    await fx?.close();
  });

  const policyFile = () => join(fx.root, 'policies', 'policy.yaml');

  async function sendOneRead(): Promise<number> {
    const { reply, first } = await post(1);
    expect(reply.status).toBe(200);
    return first;
  }

  function violatedSeqs(): number[] {
    const store = openStore(fx.identity.dir, true);
    try {
      return store.listViolations().map((v) => v.seq);
    } finally {
      store.close();
    }
  }

  describe('when the new file is broken', () => {
    it('keeps the policies in force', async () => {
      writeFileSync(policyFile(), 'id: [not, closed\n');
      fx.collector.reloadPolicies();
      await sendOneRead();
      expect(violatedSeqs()).toEqual([]);
    });
  });

  describe('when the files did not change', () => {
    it('keeps the set in force instead of compiling it again', () => {
      // The bytes of the set in force (the broken file above was refused).
      writeFileSync(policyFile(), ALLOW_BOB);
      const before = fx.collector.policiesCompiled();
      fx.collector.reloadPolicies();
      expect(fx.collector.policiesCompiled()).toBe(before);
      writeFileSync(policyFile(), ALLOW_BOB.replace('high', 'low'));
      fx.collector.reloadPolicies();
      expect(fx.collector.policiesCompiled()).not.toBe(before);
      writeFileSync(policyFile(), ALLOW_BOB);
      fx.collector.reloadPolicies();
    });
  });

  describe('when the new file is good', () => {
    it('applies to new events only and re-evaluates nothing stored', async () => {
      writeFileSync(policyFile(), ALLOW_ALICE);
      fx.collector.reloadPolicies();
      const after = await sendOneRead();
      expect(violatedSeqs()).toEqual([after]);
    });
  });
});
