import { gzipSync } from 'node:zlib';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildBatch, verifyReceipt } from '../../protocol/batch.js';
import { canonicalBytes } from '../../protocol/canonical.js';
import { encryptPayload } from '../../protocol/envelope-cipher.js';
import {
  generateRsaKeyPair,
  keyId,
  rsaPublicKey,
} from '../../protocol/keys.js';
import {
  normalizeFingerprint,
  readCsr,
  verifyCertificate,
} from '../../protocol/pki.js';
import { openEnvelope, sealBatch } from '../../protocol/seal.js';
import { signCanonical, verifyCanonical } from '../../protocol/sign.js';
import { validateEnvelope } from '../../schemas/validate.js';
import { AGENT_ID, SECRET_MARKER, makeEvents } from './chain-fixture.js';

type Pair = { privateKeyPem: string; publicKeyPem: string };

// Every error message and every message in its cause chain, joined.
function messagesOf(fn: () => unknown): string {
  try {
    fn();
  } catch (error) {
    const parts: string[] = [];
    for (let e: unknown = error; e instanceof Error; e = e.cause) {
      parts.push(e.message, String(e.stack));
    }
    return parts.join('\n');
  }
  throw new Error('expected a throw');
}

// Lines of a PEM body: any of them in a message means key material leaked.
function pemLines(pem: string): string[] {
  return pem.split('\n').filter((line) => line && !line.startsWith('-----'));
}

describe('protocol errors', () => {
  let sealing: Pair;
  let agent: Pair;
  let kid: string;
  let secrets: string[];

  beforeAll(() => {
    sealing = generateRsaKeyPair(2048);
    agent = generateRsaKeyPair(2048);
    kid = keyId(sealing.publicKeyPem);
    secrets = [
      SECRET_MARKER,
      ...pemLines(sealing.privateKeyPem),
      ...pemLines(agent.privateKeyPem),
    ];
  });

  function sealRaw(plaintext: Buffer) {
    const header = { v: 1 as const, agent: AGENT_ID, first: 1, last: 1, kid };
    const sealed = encryptPayload(
      plaintext,
      canonicalBytes(header),
      rsaPublicKey(sealing.publicKeyPem),
    );
    return { ...header, ...sealed };
  }

  describe('when any failure path throws', () => {
    it('carries no key material and no plaintext in messages or causes', () => {
      const truncatedKey = sealing.privateKeyPem.slice(0, 400);
      const batch = buildBatch(makeEvents(3), AGENT_ID, agent.privateKeyPem);
      const envelope = sealBatch(batch, sealing.publicKeyPem);
      const badEvents = makeEvents(1);
      (badEvents[0] as unknown as Record<string, unknown>).outcome =
        SECRET_MARKER;
      const failures: (() => unknown)[] = [
        () => signCanonical({}, truncatedKey),
        () => verifyCanonical({}, 'AAAA', truncatedKey),
        () => verifyCanonical({}, SECRET_MARKER, agent.publicKeyPem),
        () => openEnvelope(envelope, truncatedKey, kid),
        () => openEnvelope(envelope, agent.privateKeyPem, kid),
        () =>
          openEnvelope({ ...envelope, last: 4 }, sealing.privateKeyPem, kid),
        () =>
          openEnvelope(
            sealRaw(gzipSync(`{"a": ${SECRET_MARKER}`)),
            sealing.privateKeyPem,
            kid,
          ),
        () =>
          openEnvelope(
            sealRaw(gzipSync(SECRET_MARKER)),
            sealing.privateKeyPem,
            kid,
          ),
        () =>
          openEnvelope(
            sealRaw(Buffer.from(SECRET_MARKER)),
            sealing.privateKeyPem,
            kid,
          ),
        () =>
          openEnvelope(
            sealRaw(gzipSync(canonicalBytes({ ...batch, events: badEvents }))),
            sealing.privateKeyPem,
            kid,
          ),
        () => validateEnvelope({ ...envelope, agent: SECRET_MARKER + '!' }),
        () => readCsr(`-----BEGIN CERTIFICATE REQUEST-----\n${SECRET_MARKER}`),
        () => verifyCertificate(truncatedKey, truncatedKey),
        () => normalizeFingerprint(`token-${SECRET_MARKER}`),
        () => verifyReceipt({ receipt: SECRET_MARKER } as never, 'x'),
      ];
      for (const fail of failures) {
        const text = messagesOf(fail);
        for (const secret of secrets) {
          expect(text).not.toContain(secret);
        }
        expect(text).not.toContain('PRIVATE KEY');
      }
    });
  });
});
