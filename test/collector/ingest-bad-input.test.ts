import { Agent, request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildBatch } from '../../protocol/batch.js';
import type { AccessEvent } from '../../protocol/event.js';
import { generateRsaKeyPair } from '../../protocol/keys.js';
import {
  createCa,
  createCsr,
  issueAgentCertificate,
} from '../../protocol/pki.js';
import { sealBatch, type Envelope } from '../../protocol/seal.js';
import { chainEvents } from './ingest-senders.js';
import {
  snapshotStore,
  startCollectorFixture,
  type CollectorFixture,
} from '../helpers/collector-fixture.js';

interface ErrorOrReceipt {
  error: { code: string; message: string };
  receipt: Record<string, unknown>;
}

const POLICY = `id: records
severity: high
paths: ["/srv/records/**"]
allow:
  - name: readers
    users: [alice]
    actions: [read]
`;

describe('collector ingest', () => {
  let fx: CollectorFixture;
  let mtls: Agent;

  beforeAll(async () => {
    fx = await startCollectorFixture(POLICY);
    mtls = new Agent({
      connect: {
        ca: fx.agent.caPem,
        cert: fx.agent.certPem,
        key: fx.agent.privateKeyPem,
      },
    });
  }, 60_000);

  afterAll(async () => {
    await mtls?.close();
    await fx?.close();
  });

  const events = (from: number, count: number, prev?: string) =>
    chainEvents(fx.agent.identity.agentId, from, count, prev);

  function envelopeOf(
    list: AccessEvent[],
    key = fx.agent.privateKeyPem,
  ): Envelope {
    return sealBatch(
      buildBatch(list, fx.agent.identity.agentId, key),
      fx.agent.sealingCertPem,
    );
  }

  async function post(
    body: string,
    dispatcher: Agent = mtls,
    type = 'application/json',
  ) {
    const res = await request(`${fx.collector.url}/v1/batches`, {
      method: 'POST',
      dispatcher,
      headers: { 'content-type': type },
      body,
    });
    return {
      status: res.statusCode,
      body: (await res.body.json()) as ErrorOrReceipt,
    };
  }

  describe('when a valid batch arrives', () => {
    it('stores it, flags what the policy forbids, and answers a signed receipt', async () => {
      const res = await post(JSON.stringify(envelopeOf(events(1, 3))));
      expect(res.status).toBe(200);
      expect(res.body.receipt).toMatchObject({
        agent: fx.agent.identity.agentId,
        seq: 3,
      });
      const snap = snapshotStore(fx.identity.dir);
      expect(snap.events).toHaveLength(3);
      expect(snap.violations).toHaveLength(3);
    });

    it('answers the same batch sent again with the original receipt, storing nothing twice', async () => {
      const first = snapshotStore(fx.identity.dir);
      const stored = (first.batches as { receipt: string }[])[0]!.receipt;
      const res = await post(JSON.stringify(envelopeOf(events(1, 3))));
      expect(res.status).toBe(200);
      expect(res.body).toEqual(JSON.parse(stored));
      expect(snapshotStore(fx.identity.dir)).toEqual(first);
    });
  });

  describe('when a request is bad', () => {
    let before: Record<string, unknown[]>;
    let next: AccessEvent[];

    beforeAll(() => {
      before = snapshotStore(fx.identity.dir);
      const last = (before.events as { hash: string }[]).at(-1)!;
      next = events(4, 2, last.hash);
    });

    it('refuses a request without a client certificate', async () => {
      const anonymous = new Agent({ connect: { ca: fx.agent.caPem } });
      const res = await post(JSON.stringify(envelopeOf(next)), anonymous);
      await anonymous.close();
      expect(res.status).toBe(401);
      expect(res.body.error.code).toBe('VIGIL_CLIENT_CERT_REQUIRED');
    });

    it('refuses a client certificate from another CA', async () => {
      const otherCa = createCa('impostor');
      const keys = generateRsaKeyPair(2048);
      const cert = issueAgentCertificate(
        otherCa,
        createCsr(keys.privateKeyPem, keys.publicKeyPem, 'x'),
        { id: fx.agent.identity.agentId, vendor: 'acme' },
      );
      const impostor = new Agent({
        connect: { ca: fx.agent.caPem, cert, key: keys.privateKeyPem },
      });
      const res = await post(JSON.stringify(envelopeOf(next)), impostor);
      await impostor.close();
      expect(res.status).toBe(401);
      expect(res.body.error.code).toBe('VIGIL_CLIENT_CERT_REQUIRED');
    });

    it('refuses a batch signed by a key that was never enrolled', async () => {
      const stranger = generateRsaKeyPair(2048);
      const res = await post(
        JSON.stringify(envelopeOf(next, stranger.privateKeyPem)),
      );
      expect(res.status).toBe(400);
      expect(res.body.error.code).toBe('VIGIL_SIGNATURE_INVALID');
    });

    it('refuses a ciphertext with one flipped byte', async () => {
      const envelope = envelopeOf(next);
      const data = Buffer.from(envelope.data, 'base64');
      data.writeUInt8(
        data.readUInt8(data.length >> 1) ^ 0x01,
        data.length >> 1,
      );
      const res = await post(
        JSON.stringify({ ...envelope, data: data.toString('base64') }),
      );
      expect(res.status).toBe(400);
      expect(res.body.error.code).toBe('VIGIL_ENVELOPE_DECRYPT_FAILED');
    });

    it('refuses a body that is not JSON, without echoing it', async () => {
      const res = await post('{"v":1, this is not json');
      expect(res.status).toBe(400);
      expect(res.body.error.code).toBe('VIGIL_BODY_INVALID');
      expect(res.body.error.message).not.toContain('this is not json');
    });

    it('refuses a JSON body that is not an envelope, naming the field', async () => {
      const res = await post(JSON.stringify({ v: 1, agent: 'x' }));
      expect(res.status).toBe(400);
      expect(res.body.error.code).toBe('VIGIL_ENVELOPE_INVALID');
    });

    it('changes nothing in the store', () => {
      expect(snapshotStore(fx.identity.dir)).toEqual(before);
    });
  });
});
