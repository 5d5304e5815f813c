import { beforeAll, describe, expect, it } from 'vitest';
import {
  signReceipt,
  verifyReceipt,
  type Receipt,
  type SignedReceipt,
} from '../../protocol/batch.js';
import { generateRsaKeyPair } from '../../protocol/keys.js';
import {
  createCa,
  issueCertificate,
  type CertAndKey,
} from '../../protocol/pki.js';
import { expectProtocolError } from './expect-error.js';

const receipt: Receipt = {
  agent: 'agent-build-01',
  seq: 500,
  head: 'cd'.repeat(32),
  received_at: '2026-03-02T01:16:00.412Z',
};

describe('signReceipt', () => {
  let collector: CertAndKey;
  let otherCollector: CertAndKey;

  beforeAll(() => {
    const ca = createCa('Vigil test CA');
    const make = (cn: string): CertAndKey => {
      const pair = generateRsaKeyPair(2048);
      const certPem = issueCertificate(
        ca,
        pair.publicKeyPem,
        { cn },
        'signing',
      );
      return { certPem, privateKeyPem: pair.privateKeyPem };
    };
    collector = make('collector signing');
    otherCollector = make('another collector');
  });

  describe('when the agent checks it with the collector signing cert', () => {
    it('returns the receipt', () => {
      const signed = signReceipt(receipt, collector.privateKeyPem);
      expect(verifyReceipt(signed, collector.certPem)).toEqual(receipt);
    });

    it('survives a JSON round trip, as it crosses HTTP', () => {
      const signed = signReceipt(receipt, collector.privateKeyPem);
      const wire = JSON.parse(JSON.stringify(signed)) as SignedReceipt;
      expect(verifyReceipt(wire, collector.certPem)).toEqual(receipt);
    });
  });

  describe('when the receipt was changed on the way', () => {
    it('throws VIGIL_SIGNATURE_INVALID', () => {
      const signed = signReceipt(receipt, collector.privateKeyPem);
      const changed = { ...signed, receipt: { ...receipt, seq: 600 } };
      expectProtocolError(
        () => verifyReceipt(changed, collector.certPem),
        'VIGIL_SIGNATURE_INVALID',
      );
    });
  });

  describe('when another collector signed it', () => {
    it('throws VIGIL_SIGNATURE_INVALID', () => {
      const signed = signReceipt(receipt, otherCollector.privateKeyPem);
      expectProtocolError(
        () => verifyReceipt(signed, collector.certPem),
        'VIGIL_SIGNATURE_INVALID',
      );
    });
  });

  describe('when the answer is not a signed receipt', () => {
    it.each([
      ['null', null, '/receipt'],
      ['a string', 'ok', '/receipt'],
      ['seq as text', { receipt: { ...receipt, seq: '5' } }, '/receipt/seq'],
      ['no signature', { receipt }, '/signature'],
    ])('throws VIGIL_RECEIPT_INVALID for %s naming %s', (_, value, field) => {
      const error = expectProtocolError(
        () => verifyReceipt(value as unknown as SignedReceipt, 'unused'),
        'VIGIL_RECEIPT_INVALID',
      );
      expect(error.message).toContain(field);
    });
  });
});
