import { readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../../collector/log.js';
import {
  access,
  heartbeat,
  startLiveCollector,
  type LiveCollector,
} from '../live-collector.js';

/** The base64 lines of a PEM private key: any one in a log is a leak. */
function keyLines(pem: string): string[] {
  return pem
    .split('\n')
    .filter((line) => line.length > 0 && !line.startsWith('-----'));
}

describe("the collector's log", () => {
  let fx: LiveCollector;
  let logFile: string;
  let log: string;
  const secrets: string[] = [];

  // A full run: enrollment, batches, watchdog, every role, user management,
  // a bad token, revocation and a refused agent; then the log is read.
  beforeAll(async () => {
    logFile = join(tmpdir(), `vigil-log-secrets-${process.pid}.log`);
    fx = await startLiveCollector({ logFile });
    await fx.sender.send([access('/srv/records/a.csv'), heartbeat(['/x'])]);
    for (const token of Object.values(fx.tokens)) {
      await fx.api('GET', '/v1/violations', token);
    }
    await fx.api('GET', '/v1/violations', 'vigil_bad-token-123');
    const added = await fx.api<{ token: string }>(
      'POST',
      '/v1/users',
      fx.tokens.admin,
      { name: 'erin', role: 'analyst' },
    );
    await fx.api('POST', '/v1/violations/1/ack', added.body.token, {
      note: 'seen',
    });
    await fx.api('DELETE', '/v1/users/erin', fx.tokens.admin);
    const agent = fx.agent.identity.agentId;
    await fx.api('POST', `/v1/agents/${agent}/revoke`, fx.tokens.admin, {});
    await fx.sender.send([access('/srv/records/b.csv')]);
    await fx.api('GET', '/metrics');
    secrets.push(
      fx.enrollToken,
      ...Object.values(fx.tokens),
      added.body.token,
      'vigil_bad-token-123',
      ...[
        fx.agent.privateKeyPem,
        fx.identity.ca.privateKeyPem,
        fx.identity.tls.privateKeyPem,
        fx.identity.signing.privateKeyPem,
        fx.identity.sealing.privateKeyPem,
      ].flatMap(keyLines),
    );
    await fx.close();
    log = readFileSync(logFile, 'utf8');
  }, 60_000);

  afterAll(async () => {
    await fx?.close().catch(() => undefined);
    rmSync(logFile, { force: true });
  });

  it('is JSON lines from a run that did everything', () => {
    const lines = log.trim().split('\n');
    const messages = lines.map((l) => (JSON.parse(l) as { msg: string }).msg);
    expect(messages).toContain('agent enrolled');
    expect(messages).toContain('batch accepted');
    expect(messages).toContain('api user added');
    expect(messages).toContain('watchdog raised a violation');
    expect(messages).toContain('request refused');
  });

  it('logs per agent and per person through child loggers', () => {
    const entries = log
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    const accepted = entries.find((e) => e.msg === 'batch accepted');
    expect(accepted?.agent).toBe(fx.agent.identity.agentId);
    expect(entries.some((e) => e.person === 'erin' && e.reqId)).toBe(true);
  });

  it('holds no token, no private key line and no bearer header', () => {
    expect(secrets.length).toBeGreaterThan(100);
    expect(secrets.filter((s) => log.includes(s))).toEqual([]);
    expect(log).not.toMatch(/PRIVATE KEY|Bearer /i);
  });
});

describe('createLogger', () => {
  describe('when secrets are passed in fields', () => {
    it('redacts tokens, keys and authorization headers', () => {
      const file = join(tmpdir(), `vigil-redact-${process.pid}.log`);
      const logger = createLogger('t', 'info', file);
      logger.info(
        {
          token: 's1',
          apiToken: 's2',
          authorization: 'Bearer s3',
          req: { headers: { authorization: 'Bearer s4' } },
          identity: { privateKeyPem: 's5' },
        },
        'x',
      );
      logger.flush();
      const text = readFileSync(file, 'utf8');
      rmSync(file, { force: true });
      expect(text).not.toMatch(/s[1-5]/);
      expect(text).toContain('[redacted]');
    });
  });
});
