import {
  constants,
  createDecipheriv,
  privateDecrypt,
  type KeyObject,
} from 'node:crypto';
import { gunzipSync, gzipSync } from 'node:zlib';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildBatch, verifyBatch, type Batch } from '../../protocol/batch.js';
import { canonicalBytes, canonicalize } from '../../protocol/canonical.js';
import { encryptPayload } from '../../protocol/envelope-cipher.js';
import type { ProtocolErrorCode } from '../../protocol/errors.js';
import {
  generateRsaKeyPair,
  keyId,
  rsaPublicKey,
} from '../../protocol/keys.js';
import { createCa, issueCertificate } from '../../protocol/pki.js';
import {
  MAX_BATCH_BYTES,
  openEnvelope,
  sealBatch,
  type Envelope,
} from '../../protocol/seal.js';
import { signCanonical } from '../../protocol/sign.js';
import { AGENT_ID, SECRET_MARKER, makeEvents } from './chain-fixture.js';
import { expectProtocolError } from './expect-error.js';

type Pair = { privateKeyPem: string; publicKeyPem: string };

let agent: Pair;
let sealing: Pair;
let sealingCertPem: string;
let kid: string;
let otherSealing: Pair;
let batch: Batch;

beforeAll(() => {
  agent = generateRsaKeyPair(2048);
  sealing = generateRsaKeyPair(2048);
  otherSealing = generateRsaKeyPair(2048);
  const ca = createCa('Vigil test CA');
  sealingCertPem = issueCertificate(
    ca,
    sealing.publicKeyPem,
    { cn: 'collector sealing' },
    'sealing',
  );
  kid = keyId(sealingCertPem);
  batch = buildBatch(makeEvents(50), AGENT_ID, agent.privateKeyPem);
});

const open = (envelope: unknown) =>
  openEnvelope(envelope, sealing.privateKeyPem, kid);

function expectOpenFails(envelope: unknown, code: ProtocolErrorCode) {
  return expectProtocolError(() => open(envelope), code);
}

// Seals arbitrary bytes the way sealBatch does, for payloads sealBatch
// itself refuses to make.
function sealRaw(compressed: Buffer, first = 1, last = 1): Envelope {
  const header = { v: 1 as const, agent: AGENT_ID, first, last, kid };
  const aad = canonicalBytes(header);
  const key: KeyObject = rsaPublicKey(sealing.publicKeyPem);
  return { ...header, ...encryptPayload(compressed, aad, key) };
}

function flipByte(base64: string, index: number): string {
  const bytes = Buffer.from(base64, 'base64');
  bytes[index] = (bytes[index] ?? 0) ^ 0x01;
  return bytes.toString('base64');
}

describe('sealBatch', () => {
  describe('when the collector opens what the agent sealed', () => {
    it('returns the same batch, whose signature still verifies', () => {
      const envelope = sealBatch(batch, sealingCertPem);
      const opened = open(JSON.parse(JSON.stringify(envelope)));
      expect(opened).toEqual(batch);
      verifyBatch(opened, agent.publicKeyPem);
    });

    it('writes the clear header from the batch and the sealing key', () => {
      const envelope = sealBatch(batch, sealing.publicKeyPem);
      expect(envelope).toMatchObject({
        v: 1,
        agent: AGENT_ID,
        first: 1,
        last: 50,
        kid,
      });
    });
  });

  describe('when a reader follows the documented wire format', () => {
    it('unwraps with OAEP-SHA256 and decrypts GCM with the header as AAD', () => {
      const envelope = sealBatch(batch, sealingCertPem);
      const aesKey = privateDecrypt(
        {
          key: sealing.privateKeyPem,
          padding: constants.RSA_PKCS1_OAEP_PADDING,
          oaepHash: 'sha256',
        },
        Buffer.from(envelope.key, 'base64'),
      );
      const decipher = createDecipheriv(
        'aes-256-gcm',
        aesKey,
        Buffer.from(envelope.iv, 'base64'),
      );
      const { v, agent: a, first, last } = envelope;
      decipher.setAAD(
        Buffer.from(canonicalize({ v, agent: a, first, last, kid })),
      );
      decipher.setAuthTag(Buffer.from(envelope.tag, 'base64'));
      const compressed = Buffer.concat([
        decipher.update(Buffer.from(envelope.data, 'base64')),
        decipher.final(),
      ]);
      expect(gunzipSync(compressed).toString()).toBe(canonicalize(batch));
    });
  });

  describe('when the same batch is sealed twice', () => {
    it('uses a fresh key and nonce each time', () => {
      const a = sealBatch(batch, sealingCertPem);
      const b = sealBatch(batch, sealingCertPem);
      expect(a.key).not.toBe(b.key);
      expect(a.iv).not.toBe(b.iv);
      expect(a.data).not.toBe(b.data);
    });
  });

  describe('when the envelope sits on the vendor disk', () => {
    it('shows no event content', () => {
      const text = JSON.stringify(sealBatch(batch, sealingCertPem));
      const decoded = Buffer.from(JSON.parse(text).data, 'base64').toString();
      expect(text).not.toContain(SECRET_MARKER);
      expect(decoded).not.toContain(SECRET_MARKER);
    });
  });

  describe('when the batch has no events', () => {
    it('throws VIGIL_BATCH_INVALID', () => {
      expectProtocolError(
        () => sealBatch({ ...batch, events: [] }, sealingCertPem),
        'VIGIL_BATCH_INVALID',
      );
    });
  });
});

describe('openEnvelope', () => {
  let envelope: Envelope;

  beforeAll(() => {
    envelope = sealBatch(batch, sealingCertPem);
  });

  describe('when it was sealed to another collector', () => {
    it('throws VIGIL_ENVELOPE_KEY_UNKNOWN', () => {
      const sealed = sealBatch(batch, otherSealing.publicKeyPem);
      expectOpenFails(sealed, 'VIGIL_ENVELOPE_KEY_UNKNOWN');
    });
  });

  describe('when the private key does not match the kid', () => {
    it('throws VIGIL_ENVELOPE_UNWRAP_FAILED', () => {
      expectProtocolError(
        () => openEnvelope(envelope, otherSealing.privateKeyPem, kid),
        'VIGIL_ENVELOPE_UNWRAP_FAILED',
      );
    });
  });

  describe('when a byte of the wrapped key flipped', () => {
    it('throws VIGIL_ENVELOPE_UNWRAP_FAILED', () => {
      const key = flipByte(envelope.key, 10);
      expectOpenFails({ ...envelope, key }, 'VIGIL_ENVELOPE_UNWRAP_FAILED');
    });
  });

  describe('when a byte of the ciphertext flipped', () => {
    it('throws VIGIL_ENVELOPE_DECRYPT_FAILED', () => {
      const data = flipByte(envelope.data, 100);
      expectOpenFails({ ...envelope, data }, 'VIGIL_ENVELOPE_DECRYPT_FAILED');
    });
  });

  describe('when the ciphertext was truncated', () => {
    it('throws VIGIL_ENVELOPE_DECRYPT_FAILED', () => {
      const bytes = Buffer.from(envelope.data, 'base64');
      const data = bytes.subarray(0, bytes.length - 7).toString('base64');
      expectOpenFails({ ...envelope, data }, 'VIGIL_ENVELOPE_DECRYPT_FAILED');
    });
  });

  describe('when the tag changed', () => {
    it('throws VIGIL_ENVELOPE_DECRYPT_FAILED', () => {
      const tag = flipByte(envelope.tag, 0);
      expectOpenFails({ ...envelope, tag }, 'VIGIL_ENVELOPE_DECRYPT_FAILED');
    });
  });

  describe('when the clear header was edited', () => {
    it.each([
      ['last', { last: 49 }],
      ['first', { first: 2 }],
      ['agent', { agent: 'agent-other' }],
    ])('throws VIGIL_ENVELOPE_DECRYPT_FAILED for %s', (_, edit) => {
      expectOpenFails(
        { ...envelope, ...edit },
        'VIGIL_ENVELOPE_DECRYPT_FAILED',
      );
    });
  });

  describe('when the envelope does not match its schema', () => {
    it.each([
      ['a missing iv', (e: Envelope) => ({ ...e, iv: undefined }), '/iv'],
      ['an extra field', (e: Envelope) => ({ ...e, note: 'x' }), '/note'],
      ['version 2', (e: Envelope) => ({ ...e, v: 2 }), '/v'],
      ['seq as text', (e: Envelope) => ({ ...e, first: '1' }), '/first'],
      ['a short iv', (e: Envelope) => ({ ...e, iv: 'AAAA' }), '/iv'],
      ['data not base64', (e: Envelope) => ({ ...e, data: '%%%%' }), '/data'],
      ['a bad kid', (e: Envelope) => ({ ...e, kid: 'KID' }), '/kid'],
      ['first after last', (e: Envelope) => ({ ...e, first: 51 }), '/last'],
    ])('throws VIGIL_ENVELOPE_INVALID for %s naming %s', (_, edit, field) => {
      const broken = JSON.parse(JSON.stringify(edit(envelope))) as unknown;
      const error = expectOpenFails(broken, 'VIGIL_ENVELOPE_INVALID');
      expect(error.message).toContain(field);
    });

    it.each([
      ['null', null],
      ['a list', [envelope]],
      ['text', 'envelope'],
    ])('throws VIGIL_ENVELOPE_INVALID for %s', (_, value) => {
      expectOpenFails(value, 'VIGIL_ENVELOPE_INVALID');
    });

    it('throws VIGIL_ENVELOPE_INVALID for data above the size limit', () => {
      const data = 'A'.repeat(Math.ceil(MAX_BATCH_BYTES / 3) * 4 + 4);
      expectOpenFails({ ...envelope, data }, 'VIGIL_ENVELOPE_INVALID');
    });
  });

  describe('when the plaintext is a gzip bomb', () => {
    it('stops at the cap and throws VIGIL_BATCH_INVALID', () => {
      const bomb = gzipSync(Buffer.alloc(MAX_BATCH_BYTES + 1024, 0x20));
      expect(bomb.length).toBeLessThan(MAX_BATCH_BYTES / 100);
      const error = expectOpenFails(sealRaw(bomb), 'VIGIL_BATCH_INVALID');
      expect(error.message).toContain('decompressed');
    });
  });

  describe('when the plaintext is not a batch', () => {
    it.each([
      ['not gzip', Buffer.from('plain text')],
      ['not JSON', gzipSync(`{"checkpoint": ${SECRET_MARKER}`)],
      ['not UTF-8', gzipSync(Buffer.from([0x22, 0xff, 0xfe, 0x22]))],
      ['not a batch', gzipSync('{"events": []}')],
    ])('throws VIGIL_BATCH_INVALID for %s', (_, plaintext) => {
      expectOpenFails(sealRaw(plaintext), 'VIGIL_BATCH_INVALID');
    });
  });

  describe('when an event inside breaks the event schema', () => {
    it('throws VIGIL_SCHEMA_INVALID naming the event field', () => {
      const events = makeEvents(2);
      (events[1] as unknown as Record<string, unknown>).outcome = 'maybe';
      const signature = signCanonical(batch.checkpoint, agent.privateKeyPem);
      const bad = { checkpoint: batch.checkpoint, signature, events };
      const sealed = sealRaw(gzipSync(canonicalBytes(bad)), 1, 2);
      const error = expectOpenFails(sealed, 'VIGIL_SCHEMA_INVALID');
      expect(error.message).toContain('/events/1/outcome');
    });
  });

  describe('when the header and the batch inside disagree', () => {
    it('throws VIGIL_BATCH_INVALID naming the header field', () => {
      const sealed = sealRaw(gzipSync(canonicalBytes(batch)), 1, 49);
      const error = expectOpenFails(sealed, 'VIGIL_BATCH_INVALID');
      expect(error.message).toContain('/last');
    });
  });
});
