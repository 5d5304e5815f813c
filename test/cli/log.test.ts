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
});
