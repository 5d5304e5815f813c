import { beforeAll, describe, expect, it } from 'vitest';
import {
  type LogCheckpoint,
  type NoteKey,
  type VerifierKey,
  formatCheckpoint,
  generateNoteKey,
  openCheckpoint,
  parseCheckpoint,
  parseVerifierKey,
  signCheckpoint,
} from '../../protocol/log-checkpoint.js';
import { leafHash, MemoryNodes, MerkleLog } from '../../protocol/merkle.js';
import { NoteError, type NoteErrorCode } from '../../protocol/note-error.js';
import { signNote } from '../../protocol/signed-note.js';
import { expectError } from './merkle-helpers.js';

const ORIGIN = 'vigil.example/log';
const ROOT = Buffer.alloc(32, 0xab);
const ROOT_B64 = ROOT.toString('base64');

const noteError = (fn: () => unknown, code: NoteErrorCode) =>
  expectError(fn, NoteError, code);

describe('log checkpoints (c2sp.org/tlog-checkpoint)', () => {
  let key: NoteKey;
  let verifier: VerifierKey;

  beforeAll(() => {
    key = generateNoteKey(ORIGIN);
    verifier = parseVerifierKey(key.verifierKey);
  });

  describe('formatCheckpoint', () => {
    it('writes origin, decimal size and base64 root, one per line', () => {
      const text = formatCheckpoint({
        origin: ORIGIN,
        size: 20852163,
        rootHash: ROOT,
      });
      expect(text).toBe(`${ORIGIN}\n20852163\n${ROOT_B64}\n`);
    });

    it('writes extension lines after the root', () => {
      const cp = {
        origin: ORIGIN,
        size: 0,
        rootHash: ROOT,
        extensions: ['ext 1'],
      };
      expect(formatCheckpoint(cp)).toBe(`${ORIGIN}\n0\n${ROOT_B64}\next 1\n`);
    });

    const bad: [string, LogCheckpoint][] = [
      ['an empty origin', { origin: '', size: 1, rootHash: ROOT }],
      [
        'a newline in the origin',
        { origin: `${ORIGIN}\n1`, size: 1, rootHash: ROOT },
      ],
      ['a negative size', { origin: ORIGIN, size: -1, rootHash: ROOT }],
      ['a fractional size', { origin: ORIGIN, size: 1.5, rootHash: ROOT }],
      [
        'a 31-byte root',
        { origin: ORIGIN, size: 1, rootHash: ROOT.subarray(1) },
      ],
      [
        'an empty extension',
        { origin: ORIGIN, size: 1, rootHash: ROOT, extensions: [''] },
      ],
    ];
    for (const [what, cp] of bad) {
      it(`refuses ${what}`, () => {
        noteError(() => formatCheckpoint(cp), 'VIGIL_CHECKPOINT_INVALID');
      });
    }
  });

  describe('parseCheckpoint', () => {
    it('reads the example of the tlog-checkpoint specification', () => {
      // The checkpoint body shown at c2sp.org/tlog-checkpoint.
      const text =
        'example.com/behind-the-sofa\n20852163\n' +
        'CsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n';
      const cp = parseCheckpoint(text);
      expect(cp.origin).toBe('example.com/behind-the-sofa');
      expect(cp.size).toBe(20852163);
      expect(cp.rootHash.toString('hex')).toMatch(/^0ac5186a91863e8e/);
      expect(cp.extensions).toBeUndefined();
    });

    it('reads size 0 and keeps extension lines', () => {
      const cp = parseCheckpoint(`${ORIGIN}\n0\n${ROOT_B64}\na\nb\n`);
      expect(cp).toEqual({
        origin: ORIGIN,
        size: 0,
        rootHash: ROOT,
        extensions: ['a', 'b'],
      });
    });

    const body = (size: string, root = ROOT_B64, origin = ORIGIN) =>
      `${origin}\n${size}\n${root}\n`;
    const bad: [string, string][] = [
      ['a leading zero', body('042')],
      ['a size of "00"', body('00')],
      ['a sign', body('+42')],
      ['a negative size', body('-1')],
      ['an exponent', body('1e3')],
      ['a space', body(' 42')],
      ['an empty size', body('')],
      ['a size over 2^53 - 1', body('9007199254740992')],
      ['an empty origin', body('1', ROOT_B64, '')],
      ['a 31-byte root', body('1', ROOT.subarray(1).toString('base64'))],
      ['a 33-byte root', body('1', Buffer.alloc(33).toString('base64'))],
      ['an unpadded root', body('1', ROOT_B64.replace(/=+$/, ''))],
      ['a root that is not base64', body('1', `${ROOT_B64.slice(0, -2)}!=`)],
      ['no final newline', body('1').slice(0, -1)],
      ['only two lines', `${ORIGIN}\n1\n`],
      ['an empty extension line', `${body('1')}\n`],
      ['CRLF line ends', body('1').replaceAll('\n', '\r\n')],
      ['an empty text', ''],
    ];
    for (const [what, text] of bad) {
      it(`refuses ${what}`, () => {
        noteError(() => parseCheckpoint(text), 'VIGIL_CHECKPOINT_INVALID');
      });
    }

    it('names the offending line', () => {
      const error = noteError(
        () => parseCheckpoint(body('042')),
        'VIGIL_CHECKPOINT_INVALID',
      );
      expect(error.message).toBe(
        'line 2 (tree size) is not a decimal without leading zeroes',
      );
    });
  });

  describe('when signed and opened', () => {
    it('round-trips a real tree head and names the signer', () => {
      const tree = new MerkleLog(new MemoryNodes());
      for (let i = 0; i < 5; i++) tree.append(leafHash(Buffer.from(`b${i}`)));
      const cp = { origin: ORIGIN, size: tree.size, rootHash: tree.root() };
      const note = signCheckpoint(cp, ORIGIN, key.privateKeyPem);
      expect(openCheckpoint(note, [verifier])).toEqual({
        ...cp,
        signedBy: [ORIGIN],
      });
    });

    it('refuses a signed note whose body is not a checkpoint', () => {
      const note = signNote(
        `${ORIGIN}\n007\n${ROOT_B64}\n`,
        ORIGIN,
        key.privateKeyPem,
      );
      noteError(
        () => openCheckpoint(note, [verifier]),
        'VIGIL_CHECKPOINT_INVALID',
      );
    });

    it('checks the signature before reading the body', () => {
      const note = signCheckpoint(
        { origin: ORIGIN, size: 5, rootHash: ROOT },
        ORIGIN,
        key.privateKeyPem,
      );
      const other = generateNoteKey(ORIGIN);
      noteError(
        () => openCheckpoint(note.replace('\n5\n', '\n6\n'), [verifier]),
        'VIGIL_NOTE_SIGNATURE_INVALID',
      );
      noteError(
        () => openCheckpoint(note, [parseVerifierKey(other.verifierKey)]),
        'VIGIL_NOTE_UNVERIFIED',
      );
    });
  });
});
