import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyChainLinks } from '../../protocol/chain.js';
import type { AccessEvent } from '../../protocol/event.js';
import { auditReady } from '../helpers/audit.js';
import { deploy, type Deployment } from '../helpers/deployment.js';
import { requireBuild, stopDaemon, waitFor } from '../helpers/vigil-cli.js';

/** The design asks for at least a minute of activity while the collector is down. */
const OUTAGE_MS = 62_000;
const ready = await auditReady();

describe.runIf(ready)('agent resilience on the real audit subsystem', () => {
  let d: Deployment;
  let dir: string;
  let next = 0;

  beforeAll(async () => {
    requireBuild();
    d = await deploy({
      policy: (r) =>
        `id: p\nseverity: low\npaths: ["${r}/files/**"]\nallow:\n  - { name: all, actions: [read] }\n`,
      watch: (r) => [join(r, 'files')],
      config: 'designated_refresh: 1s\n',
    });
    dir = join(d.root, 'files');
    for (let i = 0; i < 200; i++) writeFileSync(join(dir, `f${i}`), `${i}\n`);
    await d.startAgent();
  }, 120_000);

  afterAll(async () => {
    await d?.close();
  });

  /** Reads the next file as root; returns its path. */
  function access(): string {
    const path = join(dir, `f${next++}`);
    expect(spawnSync('cat', [path], { stdio: 'ignore' }).status).toBe(0);
    return path;
  }

  function readsOf(paths: string[]): Map<string, number> {
    const counts = new Map(paths.map((p) => [p, 0]));
    for (const e of d.storedEvents()) {
      if (e.action === 'read' && counts.has(e.path!))
        counts.set(e.path!, counts.get(e.path!)! + 1);
    }
    return counts;
  }

  async function expectDeliveredOnce(paths: string[], timeoutMs: number) {
    const counts = await waitFor(
      'every access to arrive',
      () => {
        const c = readsOf(paths);
        return [...c.values()].every((n) => n > 0) ? c : undefined;
      },
      timeoutMs,
    );
    expect([...counts.values()].filter((n) => n !== 1)).toEqual([]);
    const events: AccessEvent[] = d.storedEvents();
    verifyChainLinks(events);
  }

  describe('when the collector is down for a minute of activity', () => {
    it('delivers every access exactly once and in order once it is back', async () => {
      const paths = [access()];
      await stopDaemon(d.collector);
      const until = Date.now() + OUTAGE_MS;
      while (Date.now() < until) {
        paths.push(access());
        await new Promise((r) => setTimeout(r, 2_000));
      }
      await d.startCollector();
      await expectDeliveredOnce(paths, 90_000);
    }, 240_000);
  });

  describe('when the agent is killed with SIGKILL', () => {
    it('delivers what happened before, during and after, none twice', async () => {
      const paths = [access(), access(), access()];
      d.agent!.kill('SIGKILL');
      await new Promise((r) => d.agent!.once('exit', r));
      for (let i = 0; i < 5; i++) paths.push(access());
      await d.startAgent();
      for (let i = 0; i < 3; i++) paths.push(access());
      await expectDeliveredOnce(paths, 60_000);
    }, 120_000);
  });

  describe('when a policy adds a path while the agent runs', () => {
    it('watches it without a restart and records the change', async () => {
      const added = join(d.root, 'added');
      mkdirSync(added);
      writeFileSync(join(added, 'new.csv'), 'x\n');
      writeFileSync(
        join(d.policies, 'added.yaml'),
        `id: added\nseverity: low\npaths: ["${added}/**"]\nallow: []\n`,
      );
      d.collector!.kill('SIGHUP');
      await waitFor(
        'the config.changed event',
        () =>
          d
            .storedEvents()
            .find(
              (e) =>
                e.action === 'config.changed' &&
                JSON.stringify(e.detail).includes(added),
            ),
        30_000,
      );
      expect(spawnSync('cat', [join(added, 'new.csv')]).status).toBe(0);
      await waitFor('the read of the new path', () =>
        d
          .storedEvents()
          .find(
            (e) => e.action === 'read' && e.path === join(added, 'new.csv'),
          ),
      );
    }, 60_000);
  });
});
