import {
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  readlinkSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openCheckpoint } from '../../protocol/log-checkpoint.js';
import { parseVerifierKey } from '../../protocol/signed-note.js';
import {
  access,
  startLiveCollector,
  type LiveCollector,
} from '../collector/live-collector.js';
import { runVigil } from './run-vigil.js';

describe('vigil log checkpoint', () => {
  let fx: LiveCollector;

  beforeAll(async () => {
    fx = await startLiveCollector();
    await fx.sender.send([access('/srv/records/a.csv', 'bob')]);
    await fx.sender.send([access('/srv/records/b.csv', 'alice')]);
  }, 60_000);

  afterAll(async () => {
    await fx?.close();
  });

  describe('when asked of the local store and of the running collector', () => {
    it('prints the same checkpoint, signed by the log key', async () => {
      const local = await runVigil([
        'log',
        'checkpoint',
        '--data',
        fx.identity.dir,
      ]);
      expect(local.code).toBe(0);
      const remote = await runVigil([
        'log',
        'checkpoint',
        '--collector',
        fx.collector.url,
        '--api-token',
        fx.tokens.auditor,
        '--data',
        fx.identity.dir,
      ]);
      expect(remote.code).toBe(0);
      expect(remote.stdout).toBe(local.stdout);
      const key = parseVerifierKey(fx.identity.log.verifierKey);
      expect(openCheckpoint(local.stdout, [key]).size).toBe(2);
    });

    it('needs a token to ask the collector', async () => {
      delete process.env.VIGIL_API_TOKEN;
      const out = await runVigil([
        'log',
        'checkpoint',
        '--collector',
        fx.collector.url,
      ]);
      expect(out.code).toBe(2);
      expect(out.stderr).toMatch(
        /--collector needs --api-token or VIGIL_API_TOKEN/,
      );
    });
  });

  describe('when --out names a file', () => {
    let root: string;
    const checkpoint = (out: string) =>
      runVigil(['log', 'checkpoint', '--data', fx.identity.dir, '--out', out]);

    beforeAll(() => {
      root = mkdtempSync(join(tmpdir(), 'vigil-checkpoint-'));
    });

    afterAll(() => {
      rmSync(root, { recursive: true, force: true });
    });

    it('writes the checkpoint it prints, readable by all (0644)', async () => {
      const out = join(root, 'kept.note');
      writeFileSync(out, 'an older, private note', { mode: 0o600 });
      const result = await checkpoint(out);
      expect(result.code).toBe(0);
      expect(readFileSync(out, 'utf8')).toBe(result.stdout);
      expect(statSync(out).mode & 0o777).toBe(0o644);
      expect(readdirSync(root)).toEqual(['kept.note']);
    });

    it('replaces a symlink rather than writing where it points', async () => {
      const target = join(root, 'elsewhere.txt');
      writeFileSync(target, 'not yours');
      const link = join(root, 'link.note');
      symlinkSync(target, link);
      const result = await checkpoint(link);
      expect(result.code).toBe(0);
      expect(readFileSync(target, 'utf8')).toBe('not yours');
      expect(() => readlinkSync(link)).toThrow();
      expect(readFileSync(link, 'utf8')).toBe(result.stdout);
    });

    it.each([
      ['a missing folder', () => join(root, 'no', 'such', 'dir', 'x.note')],
      [
        'a directory',
        () => {
          const dir = join(root, 'dir');
          mkdirSync(dir);
          return dir;
        },
      ],
    ])('refuses %s with VIGIL_CHECKPOINT_OUT_UNWRITABLE', async (_, out) => {
      const result = await checkpoint(out());
      expect(result.code).toBe(1);
      expect(result.stderr).toMatch(
        /^vigil: VIGIL_CHECKPOINT_OUT_UNWRITABLE: --out: cannot write .+ \((ENOENT|EISDIR)\)/,
      );
      expect(result.stdout).toBe('');
      expect(readdirSync(root).filter((n) => n.endsWith('.tmp'))).toEqual([]);
    });
  });
});
