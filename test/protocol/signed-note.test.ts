import { createHash, createPrivateKey, generateKeyPairSync } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { NoteError, type NoteErrorCode } from '../../protocol/note-error.js';
import {
  NOTE_MAX_SIGNATURES,
  type NoteKey,
  type VerifierKey,
  formatVerifierKey,
  generateNoteKey,
  noteKeyId,
  openNote,
  parseVerifierKey,
  signNote,
} from '../../protocol/signed-note.js';
import { expectError } from './merkle-helpers.js';

const TEXT =
  'vigil.example/log\n42\nAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\n';

const noteError = (fn: () => unknown, code: NoteErrorCode) =>
  expectError(fn, NoteError, code);

// The signature line of a one-signature note.
const lineOf = (note: string) => note.slice(note.lastIndexOf('\n\n') + 2);

// Go's golang.org/x/mod/sumdb/note documents this key and signed note; the
// same bytes here show the format interoperates (Ed25519 is deterministic).
const GO_EXAMPLE = {
  seed: 'AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz', // 0x01 || seed
  vkey: 'PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW',
  text:
    'If you think cryptography is the answer to your problem,\n' +
    "then you don't know what your problem is.\n",
  signature:
    '— PeterNeumann x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=\n',
};

describe('signed notes (c2sp.org/signed-note)', () => {
  let log: NoteKey;
  let witness: NoteKey;
  let logKey: VerifierKey;
  let witnessKey: VerifierKey;

  beforeAll(() => {
    log = generateNoteKey('vigil.example/log');
    witness = generateNoteKey('witness.example/w1');
    logKey = parseVerifierKey(log.verifierKey);
    witnessKey = parseVerifierKey(witness.verifierKey);
  });

  describe('noteKeyId and verifier keys', () => {
    it('derive the key ID as SHA-256(name || 0x0A || 0x01 || key)[:4]', () => {
      const want = createHash('sha256')
        .update(
          Buffer.concat([
            Buffer.from('vigil.example/log\n\x01'),
            log.publicKey,
          ]),
        )
        .digest()
        .subarray(0, 4);
      expect(noteKeyId('vigil.example/log', log.publicKey)).toEqual(want);
      expect(log.verifierKey).toBe(
        `vigil.example/log+${want.toString('hex')}+` +
          Buffer.concat([Buffer.from([1]), log.publicKey]).toString('base64'),
      );
    });

    it('round-trip through formatVerifierKey and parseVerifierKey', () => {
      expect(logKey.name).toBe('vigil.example/log');
      expect(logKey.publicKey).toEqual(log.publicKey);
      expect(formatVerifierKey(logKey.name, logKey.publicKey)).toBe(
        log.verifierKey,
      );
    });

    const bad: [string, (vkey: string) => string][] = [
      ['two parts', (k) => k.split('+').slice(0, 2).join('+')],
      ['four parts', (k) => `${k}+x`],
      ['an empty name', (k) => k.slice(k.indexOf('+'))],
      ['a name with a space', (k) => `a b${k.slice(k.indexOf('+'))}`],
      ['a 7-digit key ID', (k) => k.replace(/\+[0-9a-f]{8}\+/, '+0000000+')],
      ['a wrong key ID', (k) => k.replace(/\+[0-9a-f]{8}\+/, '+00000000+')],
      ['an ECDSA type byte', (k) => k.replace(/\+A[Q-Za-f]/, '+Ag')],
      ['a short key', (k) => k.slice(0, -4)],
      ['a key that is not base64', (k) => `${k.slice(0, -1)}!`],
    ];
    for (const [what, mangle] of bad) {
      it(`refuse a verifier key with ${what}`, () => {
        noteError(
          () => parseVerifierKey(mangle(log.verifierKey)),
          'VIGIL_NOTE_KEY_INVALID',
        );
      });
    }

    it('refuse key names with spaces, "+" or nothing', () => {
      for (const name of ['', 'a b', 'a+b', 'tab\there', 'nbsp\u00a0x']) {
        noteError(() => generateNoteKey(name), 'VIGIL_NOTE_KEY_INVALID');
      }
    });
  });

  describe('when signing and opening a note', () => {
    it('round-trips text and names the signer', () => {
      const note = signNote(TEXT, 'vigil.example/log', log.privateKeyPem);
      expect(note.startsWith(`${TEXT}\n— vigil.example/log `)).toBe(true);
      expect(openNote(note, [logKey])).toEqual({
        text: TEXT,
        signedBy: ['vigil.example/log'],
      });
      expect(openNote(Buffer.from(note), [logKey]).text).toBe(TEXT);
    });

    it('keeps blank lines inside the text (split at the last one)', () => {
      const text = 'first\n\nthird\n';
      const note = signNote(text, 'vigil.example/log', log.privateKeyPem);
      expect(openNote(note, [logKey]).text).toBe(text);
    });

    it('matches the signed note in the Go sumdb/note documentation', () => {
      const seed = Buffer.from(GO_EXAMPLE.seed, 'base64').subarray(1);
      const pkcs8 = Buffer.concat([
        Buffer.from('302e020100300506032b657004220420', 'hex'),
        seed,
      ]);
      const key = createPrivateKey({
        key: pkcs8,
        format: 'der',
        type: 'pkcs8',
      });
      const note = signNote(GO_EXAMPLE.text, 'PeterNeumann', key);
      expect(note).toBe(`${GO_EXAMPLE.text}\n${GO_EXAMPLE.signature}`);
      const vkey = parseVerifierKey(GO_EXAMPLE.vkey);
      expect(vkey.keyId.toString('hex')).toBe('c74f20a3');
      expect(openNote(note, [vkey]).signedBy).toEqual(['PeterNeumann']);
    });
  });

  describe('when a note carries several signatures', () => {
    const cosigned = () =>
      TEXT +
      '\n' +
      lineOf(signNote(TEXT, 'witness.example/w1', witness.privateKeyPem)) +
      lineOf(signNote(TEXT, 'vigil.example/log', log.privateKeyPem));

    it('ignores a signature by an unknown key while a known one verifies', () => {
      expect(openNote(cosigned(), [logKey]).signedBy).toEqual([
        'vigil.example/log',
      ]);
    });

    it('lists every trusted signer in note order', () => {
      expect(openNote(cosigned(), [logKey, witnessKey]).signedBy).toEqual([
        'witness.example/w1',
        'vigil.example/log',
      ]);
    });

    it('ignores keys that share only the name or only the key ID', () => {
      const sameName = { ...witnessKey, name: 'vigil.example/log' };
      const sameId = { ...logKey, name: 'someone.else/log' };
      const note = signNote(TEXT, 'vigil.example/log', log.privateKeyPem);
      noteError(
        () => openNote(note, [sameName, sameId]),
        'VIGIL_NOTE_UNVERIFIED',
      );
    });

    it('refuses a note signed only by unknown keys', () => {
      const note = signNote(TEXT, 'witness.example/w1', witness.privateKeyPem);
      const error = noteError(
        () => openNote(note, [logKey]),
        'VIGIL_NOTE_UNVERIFIED',
      );
      expect(error.message).toContain('trusted: vigil.example/log');
    });

    it('refuses the note when a known key signature is forged', () => {
      const stolen = lineOf(
        signNote('other\n', 'vigil.example/log', log.privateKeyPem),
      );
      const note = cosigned() + stolen;
      noteError(() => openNote(note, [logKey]), 'VIGIL_NOTE_SIGNATURE_INVALID');
    });

    it('refuses a note whose text changed after signing', () => {
      const note = signNote(TEXT, 'vigil.example/log', log.privateKeyPem);
      const changed = note.replace('\n42\n', '\n43\n');
      noteError(
        () => openNote(changed, [logKey]),
        'VIGIL_NOTE_SIGNATURE_INVALID',
      );
    });

    it('refuses a known key signature of the wrong length', () => {
      const note = signNote(TEXT, 'vigil.example/log', log.privateKeyPem);
      const line = lineOf(note).trimEnd();
      const bytes = Buffer.from(line.split(' ')[2] as string, 'base64');
      const cut = bytes.subarray(0, 40).toString('base64');
      const bad = `${TEXT}\n— vigil.example/log ${cut}\n`;
      noteError(() => openNote(bad, [logKey]), 'VIGIL_NOTE_SIGNATURE_INVALID');
    });
  });

  describe('when a note is malformed', () => {
    let good: string;
    let line: string;
    beforeAll(() => {
      good = signNote(TEXT, 'vigil.example/log', log.privateKeyPem);
      line = lineOf(good);
    });

    const cases: [string, () => string | Uint8Array][] = [
      ['no blank line before the signatures', () => good.replace('\n\n', '\n')],
      ['no signature lines', () => `${TEXT}\n`],
      ['no final newline', () => good.slice(0, -1)],
      ['a hyphen for the em dash', () => good.replace('\n— ', '\n- ')],
      ['two spaces after the name', () => good.replace('log ', 'log  ')],
      ['a "+" in the key name', () => good.replace('/log ', '/lo+g ')],
      [
        'a signature that is not base64',
        () => good.replace(/ \S+\n$/, ' abc!\n'),
      ],
      [
        'a signature shorter than 5 bytes',
        () => good.replace(/ \S+\n$/, ' AAAA\n'),
      ],
      ['a tab in the text', () => good.replace('\n42\n', '\n4\t2\n')],
      ['a carriage return', () => good.replace('\n42\n', '\n42\r\n')],
      [
        'bytes that are not UTF-8',
        () => Buffer.concat([Buffer.from([0xff]), Buffer.from(good)]),
      ],
      ['a lone surrogate', () => `\ud800${good}`],
      ['over 1 MiB', () => `${'x'.repeat(1024 * 1024)}\n\n${line}`],
      [
        `more than ${NOTE_MAX_SIGNATURES} signatures`,
        () => TEXT + '\n' + line.repeat(NOTE_MAX_SIGNATURES + 1),
      ],
    ];
    for (const [what, make] of cases) {
      it(`refuses ${what} with VIGIL_NOTE_MALFORMED`, () => {
        noteError(() => openNote(make(), [logKey]), 'VIGIL_NOTE_MALFORMED');
      });
    }

    it(`accepts ${NOTE_MAX_SIGNATURES} signatures`, () => {
      const note = TEXT + '\n' + line.repeat(NOTE_MAX_SIGNATURES);
      expect(openNote(note, [logKey]).signedBy).toEqual(['vigil.example/log']);
    });

    it('refuses input that is not text', () => {
      noteError(
        () => openNote(42 as unknown as string, [logKey]),
        'VIGIL_NOTE_MALFORMED',
      );
    });
  });

  describe('when signNote is given bad input', () => {
    it('refuses text that is empty, lacks the final newline or has controls', () => {
      for (const text of ['', 'no newline', 'tab\there\n', 'cr\r\n']) {
        noteError(
          () => signNote(text, 'vigil.example/log', log.privateKeyPem),
          'VIGIL_NOTE_MALFORMED',
        );
      }
    });

    it('refuses a bad key name and a key that is not Ed25519', () => {
      noteError(
        () => signNote(TEXT, 'bad name', log.privateKeyPem),
        'VIGIL_NOTE_KEY_INVALID',
      );
      const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 });
      noteError(
        () => signNote(TEXT, 'vigil.example/log', rsa.privateKey),
        'VIGIL_NOTE_KEY_INVALID',
      );
      noteError(
        () => signNote(TEXT, 'vigil.example/log', 'not a pem'),
        'VIGIL_NOTE_KEY_INVALID',
      );
    });
  });
});

describe('parseVerifierKey with base64 that holds a plus sign', () => {
  it('splits on the first two plus signs only', () => {
    let key = generateNoteKey('vigil.invalid/plus');
    while (!key.verifierKey.split('+').slice(2).join('+').includes('+')) {
      key = generateNoteKey('vigil.invalid/plus');
    }
    expect(parseVerifierKey(key.verifierKey).publicKey).toEqual(key.publicKey);
  });
});
