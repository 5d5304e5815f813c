import { randomBytes } from 'node:crypto';
import {
  mkdirSync,
  mkdtempSync,
  rmSync,
  truncateSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readNoteFile, readPemFile } from '../../cli/note-file.js';
import { BundleError } from '../../protocol/bundle-error.js';
import {
  openCheckpoint,
  signCheckpoint,
} from '../../protocol/log-checkpoint.js';
import {
  generateNoteKey,
  parseVerifierKey,
} from '../../protocol/signed-note.js';

const ORIGIN = 'vigil.test/log';

/** The error `read` throws, checked to be a BundleError. */
function refusal(read: () => unknown): BundleError {
  try {
    read();
  } catch (error) {
    expect(error).toBeInstanceOf(BundleError);
    return error as BundleError;
  }
  throw new Error('read but should have been refused');
}

describe('readNoteFile', () => {
  let root: string;
  let note: string;
  let verifier: ReturnType<typeof parseVerifierKey>;

  beforeAll(() => {
    root = mkdtempSync(join(tmpdir(), 'vigil-note-file-'));
    const key = generateNoteKey(ORIGIN);
    verifier = parseVerifierKey(key.verifierKey);
    note = signCheckpoint(
      { origin: ORIGIN, size: 7, rootHash: randomBytes(32) },
      ORIGIN,
      key.privateKeyPem,
    );
  });

  afterAll(() => {
    rmSync(root, { recursive: true, force: true });
  });

  function kept(name: string, text: string): string {
    const file = join(root, name);
    writeFileSync(file, text);
    return file;
  }

  describe('when the note was kept as the collector printed it', () => {
    it('reads it unchanged', () => {
      expect(readNoteFile(kept('plain.note', note), '--x')).toBe(note);
    });
  });

  describe('when saving the note changed its bytes', () => {
    it.each([
      ['an extra newline (jq -r)', (n: string) => `${n}\n`],
      ['several trailing newlines', (n: string) => `${n}\n\n\n`],
      ['CRLF line ends', (n: string) => n.replace(/\n/g, '\r\n')],
      ['a UTF-8 byte order mark', (n: string) => `\uFEFF${n}`],
      [
        'all of them',
        (n: string) => `\uFEFF${n.replace(/\n/g, '\r\n')}\r\n\r\n`,
      ],
      ['no final newline', (n: string) => n.slice(0, -1)],
    ])('undoes %s, and the note then opens', (name, change) => {
      const changed = change(note);
      expect(changed).not.toBe(note);
      expect(() => openCheckpoint(changed, [verifier])).toThrow();
      const read = readNoteFile(kept(`${name}.note`, changed), '--x');
      expect(read).toBe(note);
      const opened = openCheckpoint(read, [verifier]);
      expect(opened.size).toBe(7);
      expect(opened.signedBy).toEqual([ORIGIN]);
    });
  });

  describe('when the file cannot be read', () => {
    it.each([
      ['missing', () => join(root, 'missing.note'), 'ENOENT'],
      ['a directory', () => root, 'EISDIR'],
    ])('is VIGIL_BUNDLE_UNREADABLE naming the option (%s)', (_, file, code) => {
      const error = refusal(() => readNoteFile(file(), '--since-checkpoint'));
      expect(error.code).toBe('VIGIL_BUNDLE_UNREADABLE');
      expect(error.message).toBe(
        `--since-checkpoint: ${file()} could not be read (${code})`,
      );
    });
  });
});

describe('readPemFile', () => {
  let root: string;

  beforeAll(() => {
    root = mkdtempSync(join(tmpdir(), 'vigil-pem-file-'));
  });

  afterAll(() => {
    rmSync(root, { recursive: true, force: true });
  });

  describe('when the file is of a certificate’s size', () => {
    it('reads it whole, up to the limit', () => {
      const pem =
        '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n';
      const file = join(root, 'ca.pem');
      writeFileSync(file, pem);
      expect(readPemFile(file, '--ca')).toBe(pem);
      expect(readPemFile(file, '--ca', pem.length)).toBe(pem);
    });
  });

  describe('when the file is larger than the limit', () => {
    it('refuses a file over 1 MiB before reading it whole', () => {
      const file = join(root, 'big.pem');
      writeFileSync(file, Buffer.alloc(1024 * 1024 + 1, 0x41));
      const error = refusal(() => readPemFile(file, '--ca'));
      expect(error.code).toBe('VIGIL_BUNDLE_UNREADABLE');
      expect(error.message).toBe(
        `--ca: ${file} is larger than 1 MiB; is it a certificate?`,
      );
    });

    it('reads no more than the limit of a huge file', () => {
      // Sparse: 3 GiB on paper, no blocks on disk. Read whole, it would fail
      // as too large for a Buffer ("could not be read"), not as over 1 MiB.
      const file = join(root, 'huge.pem');
      writeFileSync(file, '');
      truncateSync(file, 3 * 1024 ** 3);
      const error = refusal(() => readPemFile(file, '--ca'));
      expect(error.message).toMatch(/is larger than 1 MiB/);
    });

    it('counts the limit in bytes', () => {
      const file = join(root, 'eleven.pem');
      writeFileSync(file, 'x'.repeat(11));
      expect(refusal(() => readPemFile(file, '--ca', 10)).code).toBe(
        'VIGIL_BUNDLE_UNREADABLE',
      );
    });
  });

  describe('when the file cannot be read', () => {
    it('is VIGIL_BUNDLE_UNREADABLE naming the option', () => {
      const dir = join(root, 'dir.pem');
      mkdirSync(dir);
      const error = refusal(() => readPemFile(dir, '--ca'));
      expect(error.code).toBe('VIGIL_BUNDLE_UNREADABLE');
      expect(error.message).toMatch(/^--ca: .* could not be read \(EISDIR\)$/);
    });
  });
});
