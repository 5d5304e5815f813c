import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { exportBundle } from '../../collector/export/export-bundle.js';
import { openStore } from '../../collector/data-dir.js';
import {
  BundleError,
  verifyBundle,
  type BundleErrorCode,
  type BundleLine,
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
  for (const [k, size] of sizes.entries()) {
    const path = `/srv/records/batch-${k}.csv`;
    const events = chainEvents(sender.id, seq, size, prev, path);
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
  let lines: BundleLine[];
  let text: string;
  let caPem: string;
  const dir = mkdtempSync(join(tmpdir(), 'vigil-export-'));
  let n = 0;

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
    text = exportFrom(fx, RANGE);
    lines = parse(text);
  }, 60_000);

  afterAll(async () => {
    await fx?.close();
  });

  function exportFrom(
    f: CollectorFixture,
    options: typeof RANGE & { vendor?: string; path?: string },
  ): string {
    const store = openStore(f.identity.dir, true);
    const out = join(dir, `bundle-${++n}.jsonl`);
    try {
      exportBundle(f.identity, store, options, out);
      return readFileSync(out, 'utf8');
    } finally {
      store.close();
    }
  }

  function parse(bundle: string): BundleLine[] {
    return bundle
      .trimEnd()
      .split('\n')
      .map((line) => JSON.parse(line) as BundleLine);
  }

  function lineOf(agent: string, seq: number): number {
    let section = '';
    const i = lines.findIndex((l) => {
      if (l.type === 'agent') section = l.id;
      const at =
        l.type === 'event' ? l.event.seq : l.type === 'redacted' ? l.seq : -1;
      return section === agent && at === seq;
    });
    expect(i).toBeGreaterThanOrEqual(0);
    return i;
  }

  /** The bundle with lines changed, the manifest left as the collector signed it. */
  function tampered(change: (l: BundleLine[]) => void): string {
    const copy = structuredClone(lines);
    change(copy);
    return copy.map((l) => `${JSON.stringify(l)}\n`).join('');
  }

  describe('when two agents sent batches across the range', () => {
    it('exports whole batches with out-of-range events as hashes and verifies', () => {
      const report = verifyBundle(text, caPem);
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
      // Every batch of both agents is a leaf; the exported ones are proved.
      expect(report.log).toMatchObject({ size: 6, included: 3 });
    });

    it('leaves out agents of other vendors when filtered by vendor', () => {
      const only = exportFrom(fx, { ...RANGE, vendor: 'globex' });
      const agents = parse(only).filter((l) => l.type === 'agent');
      expect(agents.map((l) => (l.type === 'agent' ? l.id : ''))).toEqual([
        globex.id,
      ]);
      expect(verifyBundle(only, caPem).events).toBe(2);
    });

    it('shows only events on matching paths when filtered by --path', () => {
      // sendBatches names each batch's file: seq 11 is the one in range.
      const only = exportFrom(fx, { ...RANGE, path: '/srv/records/batch-2.*' });
      const report = verifyBundle(only, caPem);
      expect(report.filters.path).toBe('/srv/records/batch-2.*');
      expect(report.agents.map((x) => [x.id, x.events, x.redacted])).toEqual([
        [acme.id, 1, 4],
      ]);
      const shown = parse(only).flatMap((l) =>
        l.type === 'event' ? [l.event.path] : [],
      );
      expect(shown).toEqual(['/srv/records/batch-2.csv']);
    });

    it('refuses a relative --path glob', () => {
      expect(() => exportFrom(fx, { ...RANGE, path: 'records/**' })).toThrow(
        expect.objectContaining({ code: 'VIGIL_EXPORT_INVALID' }),
      );
    });
  });

  describe('when the bundle is tampered with', () => {
    const cases: [string, () => string, BundleErrorCode, RegExp][] = [];
    const a = () => acme.id;
    const add = (
      name: string,
      bundle: () => string,
      code: BundleErrorCode,
      message: RegExp,
    ) => cases.push([name, bundle, code, message]);

    add(
      'an event field changed',
      () =>
        tampered((l) => {
          const line = l[lineOf(a(), 8)];
          if (line?.type === 'event')
            line.event.path = '/srv/records/other.csv';
        }),
      'VIGIL_BUNDLE_LINK_BROKEN',
      /^line \d+ \(agent \S+, seq 8\): hash does not match the next entry's prev$/,
    );
    add(
      'an event removed',
      () =>
        tampered((l) => {
          l.splice(lineOf(a(), 9), 1);
        }),
      'VIGIL_BUNDLE_SEQ_GAP',
      /seq 10\): follows seq 8; seq 9 is missing$/,
    );
    add(
      'two events swapped',
      () =>
        tampered((l) => {
          const i = lineOf(a(), 8);
          [l[i], l[i + 1]] = [l[i + 1]!, l[i]!];
        }),
      'VIGIL_BUNDLE_EVENT_ORDER',
      /seq 8\): comes after seq 9 \(line \d+\); events must be in seq order$/,
    );
    add(
      'an event moved to another agent',
      () =>
        tampered((l) => {
          const line = l[lineOf(a(), 9)];
          if (line?.type === 'event') line.event.agent.id = globex.id;
        }),
      'VIGIL_BUNDLE_EVENT_MISPLACED',
      /seq 9\): names agent \S+ of vendor acme but sits in the section of agent \S+ of vendor acme$/,
    );
    add(
      'a checkpoint signature forged',
      () =>
        tampered((l) => {
          const [first, second] = l.filter((x) => x.type === 'checkpoint');
          if (first?.type === 'checkpoint' && second?.type === 'checkpoint') {
            first.signature = second.signature;
          }
        }),
      'VIGIL_BUNDLE_CHECKPOINT_SIGNATURE_INVALID',
      /^line \d+ \(checkpoint of agent \S+, seq \d+\): signature does not verify/,
    );
    add(
      'a certificate from another CA',
      () =>
        tampered((l) => {
          const agent = l.filter((x) => x.type === 'agent')[1];
          if (agent?.type === 'agent') agent.certificate = foreignCert(agent);
        }),
      'VIGIL_BUNDLE_CERT_UNTRUSTED',
      /^line \d+ \(agent \S+\): certificate was not issued by the given CA$/,
    );
    add(
      'a manifest count changed',
      () =>
        tampered((l) => {
          const last = l.at(-1);
          if (last?.type === 'manifest') last.manifest.counts.events += 1;
        }),
      'VIGIL_BUNDLE_MANIFEST_SIGNATURE_INVALID',
      /^line \d+ \(manifest\): signature does not verify/,
    );
    add(
      'a redacted hash replaced',
      () =>
        tampered((l) => {
          const line = l[lineOf(a(), 6)];
          if (line?.type === 'redacted') line.body = 'f'.repeat(64);
        }),
      'VIGIL_BUNDLE_LINK_BROKEN',
      /seq 6\): redacted hash does not match the next entry's prev$/,
    );
    add(
      'the agent sections reordered',
      () =>
        tampered((l) => {
          const start = l.findIndex((x) => x.type === 'agent');
          const second = l.findIndex((x, i) => i > start && x.type === 'agent');
          const manifest = l.length - 1;
          const moved = l.splice(second, manifest - second);
          l.splice(start, 0, ...moved);
        }),
      'VIGIL_BUNDLE_DIGEST_MISMATCH',
      /^line \d+ \(manifest\): digest \w+… is not the SHA-256 of lines 1\.\.\d+/,
    );
    add(
      'the file truncated',
      () => text.slice(0, Math.floor(text.length / 2)),
      'VIGIL_BUNDLE_TRUNCATED',
      /^line \d+: has no newline \(\d+ bytes\); the file was cut short$/,
    );
    add(
      'a file that is not JSON',
      () => 'vigil bundle, honest\n',
      'VIGIL_BUNDLE_NOT_JSON',
      /^line 1: is not JSON$/,
    );
    add(
      'a field the schema does not know',
      () =>
        tampered((l) => {
          Object.assign(l[0]!, { note: 'x' });
        }),
      'VIGIL_BUNDLE_SCHEMA_INVALID',
      /^line 1 \/note: is not allowed$/,
    );

    it.each(cases)(
      'rejects %s, naming the first bad element',
      (_, bundle, code, message) => {
        const error = rejection(bundle(), caPem);
        expect(error.code).toBe(code);
        expect(error.message).toMatch(message);
      },
    );

    it('gives each tampering a distinct message', () => {
      const messages = cases.map(
        ([, bundle]) => rejection(bundle(), caPem).message,
      );
      expect(new Set(messages).size).toBe(cases.length);
    });

    it('rejects an untampered bundle checked against another CA', () => {
      const other = createCa('Other CA').certPem;
      const error = rejection(text, other);
      expect(error.code).toBe('VIGIL_BUNDLE_CA_MISMATCH');
      expect(error.message).toMatch(
        /^line 1 ca: is not the CA given with --ca/,
      );
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
