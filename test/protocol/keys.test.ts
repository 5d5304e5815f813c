import { createHash, createPublicKey, generateKeyPairSync } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  generateRsaKeyPair,
  keyId,
  RSA_KEY_BITS,
} from '../../protocol/keys.js';
import { createCa, issueCertificate } from '../../protocol/pki.js';
import { expectProtocolError } from './expect-error.js';

describe('generateRsaKeyPair', () => {
  describe('when called without a size', () => {
    it('makes a 3072-bit RSA pair as PKCS#8 and SPKI PEM', () => {
      const pair = generateRsaKeyPair();
      expect(pair.privateKeyPem).toMatch(/^-----BEGIN PRIVATE KEY-----\n/);
      expect(pair.publicKeyPem).toMatch(/^-----BEGIN PUBLIC KEY-----\n/);
      const details = createPublicKey(pair.publicKeyPem).asymmetricKeyDetails;
      expect(details?.modulusLength).toBe(RSA_KEY_BITS);
      expect(RSA_KEY_BITS).toBe(3072);
    });
  });
});

describe('keyId', () => {
  let pair: { privateKeyPem: string; publicKeyPem: string };
  let certPem: string;

  beforeAll(() => {
    pair = generateRsaKeyPair(2048);
    const ca = createCa('Vigil test CA');
    certPem = issueCertificate(ca, pair.publicKeyPem, { cn: 's' }, 'sealing');
  });

  describe('when given a public key', () => {
    it('is the lowercase hex SHA-256 of the SPKI DER', () => {
      const der = createPublicKey(pair.publicKeyPem).export({
        type: 'spki',
        format: 'der',
      });
      const expected = createHash('sha256').update(der).digest('hex');
      expect(keyId(pair.publicKeyPem)).toBe(expected);
      expect(keyId(pair.publicKeyPem)).toMatch(/^[0-9a-f]{64}$/);
    });
  });

  describe('when given the certificate of that key', () => {
    it('gives the same id as the key itself', () => {
      expect(keyId(certPem)).toBe(keyId(pair.publicKeyPem));
    });
  });

  describe('when given another key', () => {
    it('gives another id', () => {
      const other = generateRsaKeyPair(2048);
      expect(keyId(other.publicKeyPem)).not.toBe(keyId(pair.publicKeyPem));
    });
  });

  describe('when given text that is not a key', () => {
    it('throws VIGIL_KEY_INVALID', () => {
      expectProtocolError(() => keyId('not a key'), 'VIGIL_KEY_INVALID');
    });
  });

  describe('when given an EC key', () => {
    it('still names it: ids do not depend on the algorithm', () => {
      const { publicKey } = generateKeyPairSync('ec', {
        namedCurve: 'P-256',
        publicKeyEncoding: { type: 'spki', format: 'pem' },
        privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
      });
      expect(keyId(publicKey)).toMatch(/^[0-9a-f]{64}$/);
    });
  });
});
