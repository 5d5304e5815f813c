import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SENSOR_MERGE_HOLD_MS } from '../../agent/sensor-merge.js';
import { auditReady } from '../helpers/audit.js';
import { deploy, type Deployment } from '../helpers/deployment.js';
import { requireBuild, waitFor } from '../helpers/vigil-cli.js';

const ready = await auditReady();
const policy = (r: string) =>
  `id: p\nseverity: low\npaths: ["${r}/files/**"]\nallow: []\n`;

describe.runIf(ready)('agent sensors', () => {
  describe('when both the audit and the file sensor run', () => {
    let d: Deployment;
    beforeAll(async () => {
      requireBuild();
      d = await deploy({
        policy,
        watch: (r) => [join(r, 'files')],
        config: 'sensors: { audit: true, fs: true }\n',
      });
      await d.startAgent();
    }, 120_000);
    afterAll(async () => d?.close());

    it('records one access as one event, with who did it', async () => {
      const file = join(d.root, 'files', 'report.csv');
      expect(spawnSync('sh', ['-c', `echo q3 > ${file}`]).status).toBe(0);
      await waitFor('the audit event', () =>
        d.storedEvents().find((e) => e.path === file && e.source === 'audit'),
      );
      // Past the hold: a file-sensor twin would have been passed on by now.
      await new Promise((r) => setTimeout(r, SENSOR_MERGE_HOLD_MS + 2_000));
      const events = d
        .storedEvents()
        .filter((e) => e.path === file || e.target === file);
      expect(events.map((e) => `${e.source} ${e.action}`)).toEqual([
        'audit create',
      ]);
      expect(events[0]!.process?.name).toBe('sh');
    }, 30_000);
  });

  describe('when only the file sensor runs', () => {
    let d: Deployment;
    beforeAll(async () => {
      requireBuild();
      d = await deploy({
        policy,
        watch: (r) => [join(r, 'files')],
        config: 'sensors: { audit: false, fs: true }\n',
      });
      await d.startAgent();
    }, 120_000);
    afterAll(async () => d?.close());

    it('records changes with content hashes and says it cannot name the user', async () => {
      const file = join(d.root, 'files', 'ledger.csv');
      writeFileSync(file, 'a,b\n');
      const event = await waitFor('the fs event', () =>
        d.storedEvents().find((e) => e.path === file),
      );
      expect(event).toMatchObject({
        source: 'fs',
        action: 'create',
        user: null,
        process: null,
      });
      expect(event.file?.sha256).toMatch(/^[0-9a-f]{64}$/);
    }, 30_000);
  });
});
