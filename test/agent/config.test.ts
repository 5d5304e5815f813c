import { describe, expect, it } from 'vitest';
import { loadAgentConfig, parseAgentConfig } from '../../agent/config.js';

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
  });
});
