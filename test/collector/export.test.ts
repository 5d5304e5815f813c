import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { exportBundle } from '../../collector/export/export-bundle.js';
import { openStore } from '../../collector/data-dir.js';
import {
  BundleError,
  verifyBundle,
  type Bundle,
  type BundleErrorCode,
} from '../../protocol/bundle.js';
import { hashEvent } from '../../protocol/chain.js';
import { generateRsaKeyPair } from '../../protocol/keys.js';
import { createCa, issueCertificate } from '../../protocol/pki.js';
import {
  startCollectorFixture,
  type CollectorFixture,
} from '../helpers/collector-fixture.js';
import {
  chainEvents,
  enrollSender,
  postBatch,
  sealFor,
  senderOf,
  type Sender,
} from './ingest-senders.js';

const POLICY = `id: records
severity: high
paths: ["/srv/records/**"]
allow:
  - name: readers
    users: [bob]
    actions: [read]
`;

// chainEvents stamps seq N at 10:00:N, so this range holds seqs 7..11.
const RANGE = { from: '2026-12-04T10:00:07Z', to: '2026-12-04T10:00:12Z' };

async function sendBatches(
  fx: CollectorFixture,
  sender: Sender,
  sizes: number[],
) {
  let seq = 1;
  let prev: string | undefined;
  for (const size of sizes) {
    const events = chainEvents(sender.id, seq, size, prev);
    const reply = await postBatch(
      fx.collector.url,
      sender,
      JSON.stringify(sealFor(sender, events)),
    );
    expect(reply.status).toBe(200);
    seq += size;
    prev = hashEvent(events.at(-1)!);
  }
}

function rejection(text: string, caPem: string) {
  try {
    verifyBundle(text, caPem);
  } catch (error) {
    expect(error).toBeInstanceOf(BundleError);
    return error as BundleError;
  }
  throw new Error('bundle verified but should not have');
}

describe('exportBundle', () => {
  let fx: CollectorFixture;
  let acme: Sender;
  let globex: Sender;
  let bundle: Bundle;
  let caPem: string;

  beforeAll(async () => {
    fx = await startCollectorFixture(POLICY);
    acme = senderOf(fx.agent);
    globex = await enrollSender(
      fx.collector.url,
      fx.identity.dir,
      fx.identity.caFingerprint,
      join(fx.root, 'globex'),
      'globex',
    );
    await sendBatches(fx, acme, [5, 5, 5, 5]);
    await sendBatches(fx, globex, [4, 4]);
    caPem = fx.identity.ca.certPem;
    bundle = exportFrom(fx, RANGE);
  }, 60_000);

  afterAll(async () => {
    await fx?.close();
  });

  function exportFrom(
    f: CollectorFixture,
    options: typeof RANGE & { vendor?: string },
  ) {
    const store = openStore(f.identity.dir, true);
    try {
      return exportBundle(f.identity, store, options);
    } finally {
      store.close();
    }
  }

  function entryIndex(agent: string, seq: number): number {
    const i = bundle.events.findIndex(
      (e) =>
        e.seq === seq &&
        (typeof e.agent === 'string' ? e.agent : e.agent.id) === agent,
    );
    expect(i).toBeGreaterThanOrEqual(0);
    return i;
  }

  function tampered(change: (b: Bundle) => void): string {
    const copy = structuredClone(bundle);
    change(copy);
    return JSON.stringify(copy);
  }

  describe('when two agents sent batches across the range', () => {
    it('exports whole batches with out-of-range events as hashes and verifies', () => {
      const report = verifyBundle(JSON.stringify(bundle), caPem);
      const byId = Object.fromEntries(report.agents.map((a) => [a.id, a]));
      expect(byId[acme.id]).toMatchObject({
        vendor: 'acme',
        firstSeq: 6,
        lastSeq: 15,
        events: 5,
        redacted: 5,
        checkpoints: 2,
      });
      expect(byId[globex.id]).toMatchObject({
        vendor: 'globex',
        firstSeq: 5,
        lastSeq: 8,
        events: 2,
        redacted: 2,
        checkpoints: 1,
      });
      expect(report.timeSpan).toEqual({
        first: '2026-12-04T10:00:07.123Z',
        last: '2026-12-04T10:00:11.123Z',
      });
    });

    it('leaves out agents of other vendors when filtered by vendor', () => {
      const only = exportFrom(fx, { ...RANGE, vendor: 'globex' });
      expect(only.agents.map((a) => a.id)).toEqual([globex.id]);
      expect(verifyBundle(JSON.stringify(only), caPem).events).toBe(2);
    });
  });

  describe('when the bundle is tampered with', () => {
    const cases: [string, () => string, BundleErrorCode, RegExp][] = [];
    const a = () => acme.id;
    const add = (
      name: string,
      text: () => string,
      code: BundleErrorCode,
      message: RegExp,
    ) => cases.push([name, text, code, message]);

    add(
      'an event field changed',
      () =>
        tampered((b) => {
          const e = b.events[entryIndex(a(), 8)]!;
          if ('path' in e) e.path = '/srv/records/other.csv';
        }),
      'VIGIL_BUNDLE_LINK_BROKEN',
      /^events\[\d+\] \(agent \S+, seq 8\): hash does not match the next event's prev$/,
    );
    add(
      'an event removed',
      () =>
        tampered((b) => {
          b.events.splice(entryIndex(a(), 9), 1);
        }),
      'VIGIL_BUNDLE_SEQ_GAP',
      /seq 10\): follows seq 8; seq 9 is missing$/,
    );
    add(
      'two events swapped',
      () =>
        tampered((b) => {
          const i = entryIndex(a(), 8);
          [b.events[i], b.events[i + 1]] = [b.events[i + 1]!, b.events[i]!];
        }),
      'VIGIL_BUNDLE_EVENT_ORDER',
      /seq 9\): comes before seq 8 \(at events\[\d+\]\); events must be in seq order$/,
    );
    add(
      'an event moved to another agent',
      () =>
        tampered((b) => {
          const e = b.events[entryIndex(a(), 9)]!;
          if (typeof e.agent !== 'string') e.agent.id = globex.id;
        }),
      'VIGIL_BUNDLE_EVENT_MISPLACED',
      /seq 9\): sits inside agent \S+'s chain, which its checkpoints take to seq 15$/,
    );
    add(
      'a checkpoint signature forged',
      () =>
        tampered((b) => {
          b.checkpoints[0]!.signature = b.checkpoints[1]!.signature;
        }),
      'VIGIL_BUNDLE_CHECKPOINT_SIGNATURE_INVALID',
      /^checkpoints\[0\] \(agent \S+, seq \d+\): signature does not verify/,
    );
    add(
      'a certificate from another CA',
      () =>
        tampered((b) => {
          b.agents[1]!.certificate = foreignCert(b.agents[1]!);
        }),
      'VIGIL_BUNDLE_CERT_UNTRUSTED',
      /^agents\[1\] \(agent \S+\): certificate was not issued by the given CA$/,
    );
    add(
      'a manifest count changed',
      () =>
        tampered((b) => {
          b.manifest.counts.events += 1;
        }),
      'VIGIL_BUNDLE_MANIFEST_SIGNATURE_INVALID',
      /^manifestSignature: does not verify/,
    );
    add(
      'a redacted hash replaced',
      () =>
        tampered((b) => {
          const e = b.events[entryIndex(a(), 6)]!;
          if ('hash' in e) e.hash = 'f'.repeat(64);
        }),
      'VIGIL_BUNDLE_LINK_BROKEN',
      /seq 6\): redacted hash does not match the next event's prev$/,
    );
    add(
      'the agents reordered',
      () =>
        tampered((b) => {
          b.agents.reverse();
        }),
      'VIGIL_BUNDLE_DIGEST_MISMATCH',
      /^agents: SHA-256 does not match manifest.digests.agents$/,
    );
    add(
      'the file truncated',
      () => {
        const text = JSON.stringify(bundle);
        return text.slice(0, Math.floor(text.length / 2));
      },
      'VIGIL_BUNDLE_TRUNCATED',
      /^bundle: JSON ends early/,
    );
    add(
      'a file that is not JSON',
      () => 'vigil bundle, honest',
      'VIGIL_BUNDLE_NOT_JSON',
      /^bundle: is not JSON$/,
    );
    add(
      'a field the schema does not know',
      () =>
        tampered((b) => {
          Object.assign(b.manifest, { note: 'x' });
        }),
      'VIGIL_BUNDLE_SCHEMA_INVALID',
      /^bundle \/manifest\/note: is not allowed$/,
    );

    it.each(cases)(
      'rejects %s, naming the first bad element',
      (_, text, code, message) => {
        const error = rejection(text(), caPem);
        expect(error.code).toBe(code);
        expect(error.message).toMatch(message);
      },
    );

    it('gives each tampering a distinct message', () => {
      const messages = cases.map(
        ([, text]) => rejection(text(), caPem).message,
      );
      expect(new Set(messages).size).toBe(cases.length);
    });

    it('rejects an untampered bundle checked against another CA', () => {
      const other = createCa('Other CA').certPem;
      const error = rejection(JSON.stringify(bundle), other);
      expect(error.code).toBe('VIGIL_BUNDLE_CA_MISMATCH');
      expect(error.message).toMatch(/^ca: is not the CA given with --ca/);
    });
  });
});

// A certificate for the same agent name, issued by a CA nobody trusts.
function foreignCert(agent: { id: string; vendor: string }): string {
  const keys = generateRsaKeyPair();
  const subject = { cn: agent.id, o: agent.vendor };
  return issueCertificate(
    createCa('Rogue CA'),
    keys.publicKeyPem,
    subject,
    'client',
  );
}
