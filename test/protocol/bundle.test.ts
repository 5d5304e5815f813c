import { beforeAll, describe, expect, it } from 'vitest';
import { buildBatch, type Batch } from '../../protocol/batch.js';
import {
  BUNDLE_FORMAT,
  BundleError,
  bundleDigests,
  verifyBundle,
  type Bundle,
  type BundleErrorCode,
  type BundleEvent,
} from '../../protocol/bundle.js';
import { hashEvent } from '../../protocol/chain.js';
import { generateRsaKeyPair } from '../../protocol/keys.js';
import {
  certFingerprint,
  createCa,
  issueCertificate,
  type CertAndKey,
} from '../../protocol/pki.js';
import { signCanonical } from '../../protocol/sign.js';
import { AGENT_ID, makeEvents } from './chain-fixture.js';

// Certificates are judged at createdAt, so it must follow their issue.
const CREATED_AT = new Date(Date.now() + 60_000);

interface Keys {
  ca: CertAndKey;
  signing: CertAndKey;
  agent: CertAndKey;
}

function pair(ca: CertAndKey, cn: string, usage: 'signing' | 'client') {
  const keys = generateRsaKeyPair();
  const subject = usage === 'client' ? { cn, o: 'acme' } : { cn };
  return {
    certPem: issueCertificate(ca, keys.publicKeyPem, subject, usage),
    privateKeyPem: keys.privateKeyPem,
  };
}

/** Signs a bundle as the collector would, over whatever it is given. */
function seal(
  keys: Keys,
  batches: Batch[],
  events: BundleEvent[],
  counts?: Partial<Bundle['manifest']['counts']>,
): string {
  const agents = [
    { id: AGENT_ID, vendor: 'acme', certificate: keys.agent.certPem },
  ];
  const checkpoints = batches.map(({ checkpoint, signature }) => ({
    checkpoint,
    signature,
  }));
  const manifest = {
    range: { from: '2026-12-01T00:00:00Z', to: '2026-12-05T00:00:00Z' },
    filters: { vendor: null, agent: null },
    counts: {
      agents: 1,
      checkpoints: checkpoints.length,
      events: events.filter((e) => 'prev' in e).length,
      redacted: events.filter((e) => !('prev' in e)).length,
      ...counts,
    },
    collector: {
      caFingerprint: certFingerprint(keys.ca.certPem),
      signingCert: keys.signing.certPem,
    },
    createdAt: CREATED_AT.toISOString(),
    digests: bundleDigests({ agents, checkpoints, events }),
  };
  const bundle: Bundle = {
    format: BUNDLE_FORMAT,
    manifest,
    manifestSignature: signCanonical(manifest, keys.signing.privateKeyPem),
    ca: keys.ca.certPem,
    agents,
    checkpoints,
    events,
  };
  return JSON.stringify(bundle);
}

function rejects(text: string, caPem: string, code: BundleErrorCode) {
  let thrown: unknown;
  try {
    verifyBundle(text, caPem);
  } catch (error) {
    thrown = error;
  }
  expect(thrown).toBeInstanceOf(BundleError);
  expect((thrown as BundleError).code).toBe(code);
  return (thrown as BundleError).message;
}

describe('verifyBundle', () => {
  let keys: Keys;
  const events = makeEvents(6);
  let batches: Batch[];

  beforeAll(() => {
    const ca = createCa('Bundle test CA');
    keys = {
      ca,
      signing: pair(ca, 'Vigil collector signing', 'signing'),
      agent: pair(ca, AGENT_ID, 'client'),
    };
    const sign = (part: typeof events) =>
      buildBatch(part, AGENT_ID, keys.agent.privateKeyPem, CREATED_AT);
    batches = [sign(events.slice(0, 3)), sign(events.slice(3))];
  });

  const redact = (i: number): BundleEvent => ({
    seq: events[i]!.seq,
    agent: AGENT_ID,
    hash: hashEvent(events[i]!),
  });

  describe('when a run of events is redacted', () => {
    it('verifies and counts them apart', () => {
      const mixed = [events[0]!, redact(1), redact(2), ...events.slice(3)];
      const report = verifyBundle(seal(keys, batches, mixed), keys.ca.certPem);
      expect(report.agents).toEqual([
        {
          id: AGENT_ID,
          vendor: 'acme',
          firstSeq: 1,
          lastSeq: 6,
          events: 4,
          redacted: 2,
          checkpoints: 2,
        },
      ]);
    });
  });

  describe('when the collector signed what the bundle does not hold', () => {
    it('rejects counts that differ from the events', () => {
      const text = seal(keys, batches, events, { redacted: 1 });
      expect(
        rejects(text, keys.ca.certPem, 'VIGIL_BUNDLE_COUNT_MISMATCH'),
      ).toBe('manifest.counts.redacted: says 1, bundle holds 0');
    });

    it('rejects events past the last checkpoint', () => {
      const text = seal(keys, batches.slice(0, 1), events.slice(0, 4));
      expect(rejects(text, keys.ca.certPem, 'VIGIL_BUNDLE_UNCOVERED')).toMatch(
        /^events\[3\] \(agent \S+, seq 4\): agent \S+'s events end here but its last checkpoint is at seq 3$/,
      );
    });

    it('rejects a checkpoint whose head is another event', () => {
      const forged = {
        ...batches[0]!.checkpoint,
        head: hashEvent(events[1]!),
      };
      const batch = {
        ...batches[0]!,
        checkpoint: forged,
        signature: signCanonical(forged, keys.agent.privateKeyPem),
      };
      const text = seal(keys, [batch, batches[1]!], events);
      expect(
        rejects(text, keys.ca.certPem, 'VIGIL_BUNDLE_HEAD_MISMATCH'),
      ).toMatch(
        /^events\[2\] \(agent \S+, seq 3\): hash is not the head of checkpoints\[0\]$/,
      );
    });

    it('rejects a first event whose prev is not the genesis hash', () => {
      const [first, ...rest] = events;
      const moved = [{ ...first!, prev: 'a'.repeat(64) }, ...rest];
      const text = seal(keys, batches, moved);
      expect(
        rejects(text, keys.ca.certPem, 'VIGIL_BUNDLE_LINK_BROKEN'),
      ).toMatch(
        /seq 1\): prev of an agent's first event is not the genesis hash$/,
      );
    });
  });

  describe('when the input is not a bundle at all', () => {
    it.each([['null'], ['[]'], ['42'], ['"text"'], ['{}'], ['']])(
      'rejects %j with a BundleError, never a raw error',
      (text) => {
        expect(() => verifyBundle(text, keys.ca.certPem)).toThrow(BundleError);
      },
    );

    it('rejects a --ca that is not a certificate', () => {
      const text = seal(keys, batches, events);
      expect(rejects(text, 'not a pem', 'VIGIL_BUNDLE_CERT_UNTRUSTED')).toMatch(
        /^--ca: /,
      );
    });
  });
});
