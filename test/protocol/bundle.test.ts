import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildBatch, type Batch } from '../../protocol/batch.js';
import {
  BundleError,
  verifyBundle,
  verifyBundleFile,
  type BundleErrorCode,
} from '../../protocol/bundle.js';
import { hashEvent } from '../../protocol/chain.js';
import { generateNoteKey } from '../../protocol/signed-note.js';
import { signCanonical } from '../../protocol/sign.js';
import {
  CREATED_AT,
  makeKeys,
  redacted,
  writeBundle,
  type BundleKeys,
} from './bundle-fixture.js';
import { AGENT_ID, makeEvents } from './chain-fixture.js';

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
  let keys: BundleKeys;
  const events = makeEvents(6);
  let batches: Batch[];

  beforeAll(() => {
    keys = makeKeys();
    const sign = (part: typeof events) =>
      buildBatch(part, AGENT_ID, keys.agent.privateKeyPem, CREATED_AT);
    batches = [sign(events.slice(0, 3)), sign(events.slice(3))];
  });

  describe('when a run of events is redacted', () => {
    it('verifies and counts them apart', () => {
      const entries = [
        events[0]!,
        redacted(events[1]!),
        redacted(events[2]!),
        ...events.slice(3),
      ];
      const report = verifyBundle(
        writeBundle(keys, { batches, entries }),
        keys.ca.certPem,
      );
      expect(report.agents).toEqual([
        {
          id: AGENT_ID,
          vendor: 'acme-sub',
          firstSeq: 1,
          lastSeq: 6,
          events: 4,
          redacted: 2,
          checkpoints: 2,
        },
      ]);
      expect(report.log).toEqual({
        origin: 'vigil.invalid/collector/test',
        size: 2,
        included: 2,
      });
    });
  });

  describe('when a shown event before a redacted one was forged', () => {
    it('rejects it: the redacted entry carries the prev that binds it', () => {
      const forged = { ...events[0]!, path: '/srv/forged.txt' };
      const entries = [forged, redacted(events[1]!), ...events.slice(2)];
      expect(
        rejects(
          writeBundle(keys, { batches, entries }),
          keys.ca.certPem,
          'VIGIL_BUNDLE_LINK_BROKEN',
        ),
      ).toBe(
        `line 3 (agent ${AGENT_ID}, seq 1): hash does not match the next entry's prev`,
      );
    });
  });

  describe('when the header claims another selection than the lines show', () => {
    it('rejects an event outside the range', () => {
      const text = writeBundle(keys, {
        batches,
        edit: (lines) => {
          const head = lines[0];
          if (head?.type === 'header') head.range.to = '2026-03-02T01:15:03Z';
        },
      });
      expect(
        rejects(text, keys.ca.certPem, 'VIGIL_BUNDLE_EVENT_MISPLACED'),
      ).toMatch(/seq 3\): time \S+ is outside the bundle's range /);
    });

    it('rejects an agent of a vendor the filters leave out', () => {
      const text = writeBundle(keys, {
        batches,
        edit: (lines) => {
          const head = lines[0];
          if (head?.type === 'header') head.filters.vendor = 'globex';
        },
      });
      expect(
        rejects(text, keys.ca.certPem, 'VIGIL_BUNDLE_EVENT_MISPLACED'),
      ).toBe(
        `line 2 (agent ${AGENT_ID}): vendor acme-sub is outside the bundle's filters`,
      );
    });
  });

  describe('when the collector signed what the bundle does not hold', () => {
    it('rejects counts that differ from the lines', () => {
      const text = writeBundle(keys, { batches, counts: { redacted: 1 } });
      expect(
        rejects(text, keys.ca.certPem, 'VIGIL_BUNDLE_COUNT_MISMATCH'),
      ).toBe('line 11 (manifest): counts.redacted says 1, the bundle holds 0');
    });

    it('rejects events past the last checkpoint', () => {
      const text = writeBundle(keys, {
        batches: batches.slice(0, 1),
        entries: events.slice(0, 4),
      });
      expect(rejects(text, keys.ca.certPem, 'VIGIL_BUNDLE_UNCOVERED')).toBe(
        `line 7 (agent ${AGENT_ID}, seq 4): no checkpoint covers this event`,
      );
    });

    it('rejects a checkpoint whose head is another event', () => {
      const forged = { ...batches[0]!.checkpoint, head: hashEvent(events[1]!) };
      const batch = {
        ...batches[0]!,
        checkpoint: forged,
        signature: signCanonical(forged, keys.agent.privateKeyPem),
      };
      const text = writeBundle(keys, { batches: [batch, batches[1]!] });
      expect(rejects(text, keys.ca.certPem, 'VIGIL_BUNDLE_HEAD_MISMATCH')).toBe(
        `line 5 (agent ${AGENT_ID}, seq 3): hash is not the head of the checkpoint on line 6`,
      );
    });

    it('rejects a first event whose prev is not the genesis hash', () => {
      const entries = [
        { ...events[0]!, prev: 'a'.repeat(64) },
        ...events.slice(1),
      ];
      const text = writeBundle(keys, { batches, entries });
      expect(
        rejects(text, keys.ca.certPem, 'VIGIL_BUNDLE_LINK_BROKEN'),
      ).toMatch(
        /^line 3 .*seq 1\): prev of an agent's first event is not the genesis hash$/,
      );
    });
  });

  describe('when the transparency log part is wrong', () => {
    it('proves consistency with an earlier checkpoint and counts what was appended', () => {
      const text = writeBundle(keys, { batches, otherLeaves: 5, since: 3 });
      expect(verifyBundle(text, keys.ca.certPem).log).toEqual({
        origin: 'vigil.invalid/collector/test',
        size: 7,
        included: 2,
        since: { size: 3, appended: 4 },
      });
    });

    it('takes a checkpoint of the empty log as extended by any log', () => {
      const text = writeBundle(keys, { batches, since: 0 });
      expect(verifyBundle(text, keys.ca.certPem).log.since).toEqual({
        size: 0,
        appended: 2,
      });
    });

    it("checks the earlier checkpoint against the auditor's own copy", () => {
      const noteOf = (text: string, at: 'checkpoint' | 'since') => {
        const head = JSON.parse(text.slice(0, text.indexOf('\n'))) as {
          log: { checkpoint: string; since?: { checkpoint: string } };
        };
        return at === 'since'
          ? head.log.since!.checkpoint
          : head.log.checkpoint;
      };
      const from3 = writeBundle(keys, { batches, otherLeaves: 5, since: 3 });
      const from4 = writeBundle(keys, { batches, otherLeaves: 5, since: 4 });
      const kept3 = noteOf(from3, 'since');
      expect(
        verifyBundle(from3, keys.ca.certPem, { sinceCheckpoint: kept3 }).log
          .since,
      ).toEqual({ size: 3, appended: 4 });
      const other = () =>
        verifyBundle(from4, keys.ca.certPem, { sinceCheckpoint: kept3 });
      expect(other).toThrow(
        expect.objectContaining({
          code: 'VIGIL_BUNDLE_LOG_INCONSISTENT',
          message:
            '--since-checkpoint: the bundle proves consistency from a checkpoint of size 4, not from the one of size 3 you kept',
        }),
      );
      const none = writeBundle(keys, { batches, otherLeaves: 5 });
      expect(() =>
        verifyBundle(none, keys.ca.certPem, { sinceCheckpoint: kept3 }),
      ).toThrow(
        expect.objectContaining({ code: 'VIGIL_BUNDLE_LOG_INCONSISTENT' }),
      );
    });

    it('fails a bundle whose exporter found leaves missing from the store', () => {
      const text = writeBundle(keys, {
        batches,
        edit: (lines) => {
          const head = lines[0];
          if (head?.type === 'header') head.log.missing = ['leaf 1'];
        },
      });
      expect(
        rejects(text, keys.ca.certPem, 'VIGIL_BUNDLE_LOG_INCONSISTENT'),
      ).toBe(
        'line 1 log.missing: the exporter found leaves missing from the store: leaf 1',
      );
    });

    it('rejects an inclusion proof for another leaf index', () => {
      const text = writeBundle(keys, {
        batches,
        otherLeaves: 3,
        edit: (lines) => {
          const line = lines.find((l) => l.type === 'checkpoint');
          if (line?.type === 'checkpoint') line.leaf!.index += 1;
        },
      });
      expect(
        rejects(text, keys.ca.certPem, 'VIGIL_BUNDLE_LOG_PROOF_INVALID'),
      ).toMatch(/^line 6 \(checkpoint of agent \S+, seq 3\) leaf 4: /);
    });

    it('rejects a log checkpoint signed by a key the header does not name', () => {
      const other = generateNoteKey('vigil.invalid/collector/test');
      const text = writeBundle(keys, {
        batches,
        edit: (lines) => {
          const head = lines[0];
          if (head?.type === 'header')
            head.collector.logKey = other.verifierKey;
        },
      });
      expect(
        rejects(text, keys.ca.certPem, 'VIGIL_BUNDLE_LOG_INVALID'),
      ).toMatch(/^line 1 log.checkpoint: /);
    });

    it('rejects a consistency proof that does not join the two checkpoints', () => {
      const text = writeBundle(keys, {
        batches,
        otherLeaves: 5,
        since: 3,
        edit: (lines) => {
          const head = lines[0];
          if (head?.type === 'header') head.log!.since!.consistency.reverse();
        },
      });
      expect(
        rejects(text, keys.ca.certPem, 'VIGIL_BUNDLE_LOG_INCONSISTENT'),
      ).toMatch(
        /^line 1 log.since: the log at size 7 does not extend the checkpoint of size 3: /,
      );
    });
  });

  describe('when the file is cut short or runs on', () => {
    it('rejects a bundle without its manifest line', () => {
      const text = writeBundle(keys, { batches });
      const cut = text.slice(0, text.lastIndexOf('{"type":"manifest"'));
      expect(rejects(cut, keys.ca.certPem, 'VIGIL_BUNDLE_TRUNCATED')).toBe(
        'bundle: ends after line 10 without the manifest (cut short?)',
      );
    });

    it('rejects a last line without its newline', () => {
      const text = writeBundle(keys, { batches });
      expect(
        rejects(text.slice(0, -5), keys.ca.certPem, 'VIGIL_BUNDLE_TRUNCATED'),
      ).toMatch(/^line 11: has no newline/);
    });

    it('rejects a line after the manifest', () => {
      const text = writeBundle(keys, { batches });
      expect(
        rejects(
          `${text}{"type":"agent"}\n`,
          keys.ca.certPem,
          'VIGIL_BUNDLE_SCHEMA_INVALID',
        ),
      ).toBe('line 12: follows the manifest, which must be the last line');
    });
  });

  describe('when read from a file', () => {
    it('streams it and proves the same as from memory', async () => {
      const text = writeBundle(keys, { batches });
      const file = join(
        mkdtempSync(join(tmpdir(), 'vigil-bundle-')),
        'b.jsonl',
      );
      writeFileSync(file, text);
      const seen: number[] = [];
      const report = await verifyBundleFile(file, keys.ca.certPem, (n) =>
        seen.push(n),
      );
      expect(report).toEqual(verifyBundle(text, keys.ca.certPem));
      expect(seen.at(-1)).toBe(Buffer.byteLength(text));
    });

    it('names a file that cannot be read', async () => {
      await expect(
        verifyBundleFile('/nonexistent/bundle.jsonl', keys.ca.certPem),
      ).rejects.toMatchObject({ code: 'VIGIL_BUNDLE_UNREADABLE' });
    });
  });

  describe('when the input is not a bundle at all', () => {
    it.each([
      ['null\n'],
      ['[]\n'],
      ['42'],
      ['"text"'],
      ['{}\n'],
      [''],
      ['{\n  "format": "vigil-bundle/1"\n}\n'],
    ])('rejects %j with a BundleError, never a raw error', (text) => {
      expect(() => verifyBundle(text, keys.ca.certPem)).toThrow(BundleError);
    });

    it('rejects a --ca that is not a certificate', () => {
      const text = writeBundle(keys, { batches });
      expect(rejects(text, 'not a pem', 'VIGIL_BUNDLE_CERT_UNTRUSTED')).toMatch(
        /^--ca: /,
      );
    });
  });
});
