import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  AGENT_CONFIG_MAX_BYTES,
  loadAgentConfig,
  parseAgentConfig,
} from '../../agent/config.js';

/** Runs `use` with a fresh folder, removed after. */
function inTempDir(use: (dir: string) => void): void {
  const dir = mkdtempSync(join(tmpdir(), 'vigil-config-'));
  try {
    use(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const MINIMAL =
  'collector: https://collector.example:8443\nstate: /var/lib/vigil\n';

describe('agent config', () => {
  describe('when only the collector and state are given', () => {
    it('fills every other key with its documented default', () => {
      expect(parseAgentConfig(MINIMAL)).toEqual({
        collector: 'https://collector.example:8443',
        state: '/var/lib/vigil',
        watch: [],
        batch: { maxEvents: 500, maxWaitMs: 1000 },
        spool: { maxBytes: 268435456 },
        sensors: { audit: true, fs: 'auto' },
        heartbeatMs: 60_000,
        designatedRefreshMs: 30_000,
        logLevel: 'info',
      });
    });
  });

  describe('when the file is wrong', () => {
    it.each([
      ['an unknown key', `${MINIMAL}colector: x\n`, 'unknown key "colector"'],
      [
        'a relative watch path',
        `${MINIMAL}watch: [data/customers]\n`,
        'watch.0',
      ],
      [
        'a collector that is not https',
        'collector: http://c:80\nstate: /s\n',
        'collector',
      ],
      ['a missing state', 'collector: https://c:8443\n', 'state'],
      [
        'a bad duration',
        `${MINIMAL}batch: { max_wait: soon }\n`,
        'batch.max_wait',
      ],
      ['text that is not YAML', 'collector: [unclosed\n', 'not valid YAML'],
      [
        'nesting deep enough to crash a parser',
        '- '.repeat(2000) + 'x\n',
        'levels',
      ],
      // Node runs a timer of 0 or over 24.8 days every millisecond.
      ['a heartbeat of 30 days', `${MINIMAL}heartbeat: 30d\n`, 'heartbeat'],
      ['a heartbeat of 0', `${MINIMAL}heartbeat: 0s\n`, 'between 1s and 24h'],
      [
        'a designated refresh of 25 days',
        `${MINIMAL}designated_refresh: 25d\n`,
        'designated_refresh: must be between 1s and 24h',
      ],
      [
        'a batch wait of 0',
        `${MINIMAL}batch: { max_wait: 0ms }\n`,
        'batch.max_wait: must be between 10ms and 1h',
      ],
      [
        'an unknown tag',
        `${MINIMAL}log_level: !secret info\n`,
        'line 3: is not valid YAML (TAG_RESOLVE_FAILED)',
      ],
      [
        'an alias',
        `${MINIMAL}watch: &w [/srv/a]\nx: *w\n`,
        'line 3: uses a YAML anchor or alias',
      ],
      ['a key twice', `${MINIMAL}state: /other\n`, 'line 3'],
      [
        'an fs sensor switched "on"',
        `${MINIMAL}sensors: { fs: "on" }\n`,
        'sensors.fs: must be one of: true, false, auto',
      ],
      [
        'a log level that does not exist',
        `${MINIMAL}log_level: loud\n`,
        'log_level: must be one of: fatal, error, warn, info, debug, trace',
      ],
      [
        'a duration in words',
        `${MINIMAL}heartbeat: 10 minutes\n`,
        'heartbeat: is not a duration (examples: 500ms',
      ],
      ['two documents', `${MINIMAL}---\n${MINIMAL}`, 'not valid YAML'],
    ])(
      'stops with VIGIL_CONFIG_INVALID naming the field for %s',
      (_what, text, field) => {
        expect(() => parseAgentConfig(text, 'agent.yaml')).toThrow(
          expect.objectContaining({
            code: 'VIGIL_CONFIG_INVALID',
            message: expect.stringContaining(field),
          }),
        );
      },
    );

    it('says the file cannot be read when it is missing', () => {
      expect(() => loadAgentConfig('/nonexistent/agent.yaml')).toThrow(
        expect.objectContaining({ code: 'VIGIL_CONFIG_UNREADABLE' }),
      );
    });

    it('refuses a file over 1 MiB, and /dev/zero, without reading on', () => {
      inTempDir((dir) => {
        const big = join(dir, 'big.yaml');
        writeFileSync(big, MINIMAL + '#'.repeat(AGENT_CONFIG_MAX_BYTES));
        for (const file of [big, '/dev/zero']) {
          expect(() => loadAgentConfig(file)).toThrow(
            expect.objectContaining({
              code: expect.stringMatching(
                /^VIGIL_CONFIG_(INVALID|UNREADABLE)$/,
              ),
            }),
          );
        }
        expect(() => loadAgentConfig(big)).toThrow('larger than 1 MiB');
      });
    });

    it('refuses a FIFO at once instead of waiting for a writer', () => {
      inTempDir((dir) => {
        const fifo = join(dir, 'agent.yaml');
        execFileSync('mkfifo', [fifo]);
        expect(() => loadAgentConfig(fifo)).toThrow(
          expect.objectContaining({
            code: 'VIGIL_CONFIG_UNREADABLE',
            message: `${fifo}: is not a regular file`,
          }),
        );
      });
    });

    it('reads a config of exactly the largest size', () => {
      inTempDir((dir) => {
        const file = join(dir, 'agent.yaml');
        const pad = AGENT_CONFIG_MAX_BYTES - MINIMAL.length - 1;
        writeFileSync(file, `${MINIMAL}#${'x'.repeat(pad)}`);
        expect(loadAgentConfig(file).state).toBe('/var/lib/vigil');
      });
    });
  });
});
