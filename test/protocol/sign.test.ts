import { constants, generateKeyPairSync, verify } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { canonicalBytes } from '../../protocol/canonical.js';
import { generateRsaKeyPair } from '../../protocol/keys.js';
import { createCa, issueCertificate } from '../../protocol/pki.js';
import { signCanonical, verifyCanonical } from '../../protocol/sign.js';
import { expectProtocolError } from './expect-error.js';

type Pair = { privateKeyPem: string; publicKeyPem: string };

const checkpoint = {
  agent: 'agent-build-01',
  seq: 500,
  head: 'ab'.repeat(32),
  time: '2026-03-02T01:15:00.000Z',
};

describe('signCanonical', () => {
  let pair: Pair;
  let other: Pair;
  let certPem: string;

  beforeAll(() => {
    pair = generateRsaKeyPair(2048);
    other = generateRsaKeyPair(2048);
    const ca = createCa('Vigil test CA');
    certPem = issueCertificate(ca, pair.publicKeyPem, { cn: 'a' }, 'client');
  });

  describe('when the signature is checked with the matching key', () => {
    it('verifies with the public key and with its certificate', () => {
      const signature = signCanonical(checkpoint, pair.privateKeyPem);
      verifyCanonical(checkpoint, signature, pair.publicKeyPem);
      verifyCanonical(checkpoint, signature, certPem);
    });

    it('verifies the same value written with its keys in another order', () => {
      const signature = signCanonical(checkpoint, pair.privateKeyPem);
      const { time, head, seq, agent } = checkpoint;
      verifyCanonical({ time, head, seq, agent }, signature, pair.publicKeyPem);
    });
  });

  describe('when an independent RSA-PSS verifier checks it', () => {
    it('is PSS with SHA-256 and a 32-byte salt over the canonical bytes', () => {
      const signature = signCanonical(checkpoint, pair.privateKeyPem);
      const ok = verify(
        'sha256',
        canonicalBytes(checkpoint),
        {
          key: pair.publicKeyPem,
          padding: constants.RSA_PKCS1_PSS_PADDING,
          saltLength: 32,
        },
        Buffer.from(signature, 'base64'),
      );
      expect(ok).toBe(true);
    });

    it('is randomised: two signatures of one value differ', () => {
      const a = signCanonical(checkpoint, pair.privateKeyPem);
      const b = signCanonical(checkpoint, pair.privateKeyPem);
      expect(a).not.toBe(b);
    });
  });

  describe('when the value changed after signing', () => {
    it('throws VIGIL_SIGNATURE_INVALID', () => {
      const signature = signCanonical(checkpoint, pair.privateKeyPem);
      const changed = { ...checkpoint, seq: 501 };
      expectProtocolError(
        () => verifyCanonical(changed, signature, pair.publicKeyPem),
        'VIGIL_SIGNATURE_INVALID',
      );
    });
  });

  describe('when another key signed it', () => {
    it('throws VIGIL_SIGNATURE_INVALID', () => {
      const signature = signCanonical(checkpoint, other.privateKeyPem);
      expectProtocolError(
        () => verifyCanonical(checkpoint, signature, pair.publicKeyPem),
        'VIGIL_SIGNATURE_INVALID',
      );
    });
  });

  describe('when the signature or the key is malformed', () => {
    it.each([
      ['not base64', 'not base64!'],
      ['empty', ''],
      ['truncated', 'AAAA'],
    ])('throws VIGIL_SIGNATURE_INVALID for a %s signature', (_, sig) => {
      expectProtocolError(
        () => verifyCanonical(checkpoint, sig, pair.publicKeyPem),
        'VIGIL_SIGNATURE_INVALID',
      );
    });

    it('throws VIGIL_SIGNATURE_INVALID for a key that is not PEM', () => {
      const signature = signCanonical(checkpoint, pair.privateKeyPem);
      expectProtocolError(
        () => verifyCanonical(checkpoint, signature, 'garbage'),
        'VIGIL_SIGNATURE_INVALID',
      );
    });

    it('throws VIGIL_SIGNATURE_INVALID for an EC key', () => {
      const signature = signCanonical(checkpoint, pair.privateKeyPem);
      const { publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
      const ecPem = publicKey.export({ type: 'spki', format: 'pem' });
      expectProtocolError(
        () => verifyCanonical(checkpoint, signature, ecPem.toString()),
        'VIGIL_SIGNATURE_INVALID',
      );
    });
  });

  describe('when the signing key is not an RSA private key', () => {
    it('throws VIGIL_KEY_INVALID', () => {
      expectProtocolError(
        () => signCanonical(checkpoint, pair.publicKeyPem.slice(0, 80)),
        'VIGIL_KEY_INVALID',
      );
    });
  });
});
