import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  initDataDir,
  type CollectorIdentity,
} from '../../../collector/data-dir.js';
import {
  HttpSink,
  judge,
  RETRY_AFTER_MAX_MS,
} from '../../../collector/forward/http-sink.js';

describe('judge', () => {
  it.each([
    [200, 'ok'],
    [204, 'ok'],
    [408, 'retry'],
    [429, 'retry'],
    [500, 'retry'],
    [503, 'retry'],
    [301, 'retry'],
    [401, 'retry'],
    [403, 'retry'],
    [404, 'retry'],
    [415, 'retry'],
    [400, 'refused'],
    [409, 'refused'],
    [413, 'refused'],
    [422, 'refused'],
  ])('HTTP %i → %s', (status, outcome) => {
    expect(judge(status, undefined, 'x').outcome).toBe(outcome);
  });

  it('names a server that is down or busy a failure, a wrong endpoint a refusal', () => {
    expect(judge(503, undefined, 'x')).toMatchObject({
      code: 'VIGIL_FORWARD_FAILED',
    });
    expect(judge(401, undefined, 'x')).toMatchObject({
      code: 'VIGIL_FORWARD_REFUSED',
    });
  });

  it('reads Retry-After as seconds or a date, capped', () => {
    expect(judge(429, '7', 'x')).toMatchObject({ retryAfterMs: 7000 });
    const soon = new Date(Date.now() + 60_000).toUTCString();
    const ms = (judge(503, soon, 'x') as { retryAfterMs: number }).retryAfterMs;
    expect(ms).toBeGreaterThan(50_000);
    expect(ms).toBeLessThanOrEqual(60_000);
    expect(judge(503, '86400', 'x')).toMatchObject({
      retryAfterMs: RETRY_AFTER_MAX_MS,
    });
    expect(judge(503, 'soon', 'x')).not.toHaveProperty('retryAfterMs');
  });
});

describe('HttpSink over HTTPS', () => {
  let root: string;
  let identity: CollectorIdentity;
  let server: Server;
  let url: URL;
  const bodies: string[] = [];

  beforeAll(async () => {
    root = mkdtempSync(join(tmpdir(), 'vigil-forward-tls-'));
    // A CA and a certificate for 127.0.0.1, as `vigil collector init` makes.
    identity = initDataDir(join(root, 'data'));
    server = createServer(
      { key: identity.tls.privateKeyPem, cert: identity.tls.certPem },
      (req, res) => {
        let body = '';
        req.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')));
        req.on('end', () => {
          bodies.push(body);
          res.writeHead(200).end();
        });
      },
    );
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const { port } = server.address() as AddressInfo;
    url = new URL(`https://127.0.0.1:${port}/in?key=secret`);
  });

  afterAll(async () => {
    await new Promise((r) => server.close(r));
    rmSync(root, { recursive: true, force: true });
  });

  describe('with the CA given', () => {
    it('delivers the lines as NDJSON', async () => {
      const sink = new HttpSink({ kind: 'http', url, ca: identity.ca.certPem });
      const result = await sink.send(
        ['{"a":1}', '{"b":2}'],
        AbortSignal.timeout(10_000),
      );
      await sink.close();
      expect(result).toEqual({ outcome: 'ok' });
      expect(bodies.at(-1)).toBe('{"a":1}\n{"b":2}\n');
    });

    it('names the endpoint without its query', () => {
      const sink = new HttpSink({ kind: 'http', url });
      expect(sink.target).toBe(`${url.origin}/in`);
      void sink.close();
    });
  });

  describe('without the CA', () => {
    it('does not trust the certificate and says to retry', async () => {
      const sink = new HttpSink({ kind: 'http', url });
      const result = await sink.send(['{}'], AbortSignal.timeout(10_000));
      await sink.close();
      expect(result).toMatchObject({
        outcome: 'retry',
        code: 'VIGIL_FORWARD_FAILED',
        reason: expect.stringMatching(/CERT|SIGNATURE|ISSUER/),
      });
      expect(JSON.stringify(result)).not.toContain('secret');
    });
  });
});
