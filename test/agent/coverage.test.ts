import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { checkCollectorHost, computeCoverage } from '../../agent/coverage.js';

describe('computeCoverage', () => {
  const dir = mkdtempSync(join(tmpdir(), 'vigil-coverage-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('watches the local list and the roots of the designated globs, once each', () => {
    const coverage = computeCoverage(
      [dir, join(dir, 'gone')],
      [`${dir}/**`, '/srv/nowhere-vigil/**'],
    );
    expect(coverage.watched).toEqual([dir]);
    expect(coverage.missing).toEqual(['/srv/nowhere-vigil', join(dir, 'gone')]);
  });
});

describe('checkCollectorHost', () => {
  // The host lookup is passed in: tests may not send DNS queries off this
  // machine, and this machine's resolver is not on loopback.
  const notFound = async () => {
    throw Object.assign(new Error('getaddrinfo ENOTFOUND'), {
      code: 'ENOTFOUND',
    });
  };
  const tryAgain = async () => {
    throw Object.assign(new Error('getaddrinfo EAI_AGAIN'), {
      code: 'EAI_AGAIN',
    });
  };

  describe('when the host does not exist', () => {
    it('stops with VIGIL_CONFIG_INVALID naming the file and the collector field', async () => {
      await expect(
        checkCollectorHost(
          'https://collectr.example:8443',
          notFound,
          '/etc/vigil/agent.yaml',
        ),
      ).rejects.toMatchObject({
        code: 'VIGIL_CONFIG_INVALID',
        message: expect.stringMatching(
          /^\/etc\/vigil\/agent\.yaml: collector: host "collectr\.example" does not exist/,
        ),
      });
    });
  });

  describe('when the name service is only slow or the host is an IP', () => {
    it('lets the agent start and spool', async () => {
      await expect(
        checkCollectorHost('https://collector.example:8443', tryAgain),
      ).resolves.toBeUndefined();
      await expect(
        checkCollectorHost('https://[::1]:8443', notFound),
      ).resolves.toBeUndefined();
      await expect(
        checkCollectorHost('https://127.0.0.1:8443', notFound),
      ).resolves.toBeUndefined();
    });
  });
});
