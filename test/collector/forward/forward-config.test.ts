import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { initDataDir } from '../../../collector/data-dir.js';
import { ForwardError } from '../../../collector/forward/errors.js';
import {
  forwardConfig,
  type ForwardFlags,
} from '../../../collector/forward/forward-config.js';
import { requireBuild, vigil } from '../../helpers/vigil-cli.js';

describe('forwardConfig', () => {
  let root: string;

  beforeAll(() => {
    root = mkdtempSync(join(tmpdir(), 'vigil-forward-config-'));
  });

  afterAll(() => {
    rmSync(root, { recursive: true, force: true });
  });

  function refused(flags: ForwardFlags) {
    try {
      forwardConfig(flags);
    } catch (error) {
      expect(error).toBeInstanceOf(ForwardError);
      return error as ForwardError;
    }
    throw new Error('accepted');
  }

  describe('when no sink is named', () => {
    it('gives no forwarding', () => {
      expect(forwardConfig({ forwardFormat: 'ocsf' })).toBeUndefined();
    });

    it('refuses a token file or CA without a URL', () => {
      expect(refused({ forwardTokenFile: 't' }).code).toBe(
        'VIGIL_FORWARD_OPTIONS_INVALID',
      );
    });
  });

  describe('when both sinks are named', () => {
    it('reads the token and the CA and creates the file', () => {
      const token = join(root, 'token');
      writeFileSync(token, 'abc.DEF-123\n');
      const file = join(root, 'out.ndjson');
      const ca = initDataDir(join(root, 'ca')).ca.certPem;
      writeFileSync(join(root, 'ca.pem'), ca);
      const config = forwardConfig({
        forwardFile: file,
        forwardUrl: 'https://siem.example:8088/ingest?x=1',
        forwardFormat: 'ecs',
        forwardTokenFile: token,
        forwardCa: join(root, 'ca.pem'),
      })!;
      expect(config.format).toBe('ecs');
      expect(config.sinks).toMatchObject([
        { kind: 'file', path: file },
        { kind: 'http', token: 'abc.DEF-123', ca },
      ]);
      expect(existsSync(file)).toBe(true);
    });
  });

  describe('when an option is wrong', () => {
    it.each([
      [{ forwardFormat: 'cef' }, 'VIGIL_FORWARD_FORMAT_UNKNOWN'],
      [{ forwardUrl: 'not a url' }, 'VIGIL_FORWARD_URL_INVALID'],
      [
        { forwardUrl: 'https://u:p@siem.example/' },
        'VIGIL_FORWARD_URL_INVALID',
      ],
      [
        { forwardUrl: 'ftp://siem.example/in' },
        'VIGIL_FORWARD_SCHEME_UNSUPPORTED',
      ],
      [
        { forwardUrl: 'file:///etc/passwd' },
        'VIGIL_FORWARD_SCHEME_UNSUPPORTED',
      ],
      [
        { forwardUrl: 'http://siem.example/', forwardCa: '/nonexistent' },
        'VIGIL_FORWARD_OPTIONS_INVALID',
      ],
      [
        { forwardUrl: 'https://siem.example/', forwardCa: '/nonexistent' },
        'VIGIL_FORWARD_CA_INVALID',
      ],
      [
        {
          forwardUrl: 'https://siem.example/',
          forwardTokenFile: '/nonexistent',
        },
        'VIGIL_FORWARD_TOKEN_UNREADABLE',
      ],
      [
        { forwardFile: '/nonexistent-dir/out.ndjson' },
        'VIGIL_FORWARD_FILE_UNWRITABLE',
      ],
    ] as [ForwardFlags, string][])('%o → %s', (flags, code) => {
      expect(refused(flags).code).toBe(code);
    });

    it('refuses a token file holding more than one word, without echoing it', () => {
      const token = join(root, 'two-words');
      writeFileSync(token, 'secret-part other-part');
      const error = refused({
        forwardUrl: 'https://siem.example/',
        forwardTokenFile: token,
      });
      expect(error.code).toBe('VIGIL_FORWARD_TOKEN_UNREADABLE');
      expect(error.message).not.toContain('secret-part');
    });

    it('refuses a CA file with no certificate', () => {
      const ca = join(root, 'bad-ca.pem');
      writeFileSync(
        ca,
        '-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n',
      );
      expect(
        refused({ forwardUrl: 'https://siem.example/', forwardCa: ca }).code,
      ).toBe('VIGIL_FORWARD_CA_INVALID');
    });

    it('refuses a directory as the file', () => {
      const dir = join(root, 'a-dir');
      mkdirSync(dir);
      expect(refused({ forwardFile: dir }).code).toBe(
        'VIGIL_FORWARD_FILE_UNWRITABLE',
      );
    });
  });
});

describe('vigil collector serve --forward-*', () => {
  it('stops before serving with the code of a wrong option', () => {
    requireBuild();
    const run = vigil([
      'collector',
      'serve',
      '--data',
      '/nonexistent',
      '--policies',
      '/nonexistent',
      '--forward-url',
      'ftp://siem.example/in',
    ]);
    expect(run.status).toBe(1);
    expect(run.stderr).toMatch(/^vigil: VIGIL_FORWARD_SCHEME_UNSUPPORTED: /);
  });
});
