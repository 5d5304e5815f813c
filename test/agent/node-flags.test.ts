import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  AGENT_ENV,
  AGENT_NODE_FLAGS,
  missingAgentFlags,
} from '../../agent/node-flags.js';
import { REPO_ROOT } from '../helpers/vigil-cli.js';

const unit = readFileSync(
  join(REPO_ROOT, 'docs', 'systemd', 'vigil-agent.service'),
  'utf8',
);

describe('the agent systemd unit', () => {
  it('starts node with the agent flags, before the script', () => {
    const exec = /^ExecStart=(.*)$/m.exec(unit)?.[1] ?? '';
    const [node, ...args] = exec.split(/\s+/);
    expect(node).toMatch(/\/node$/);
    const script = args.findIndex((a) => a.endsWith('main.js'));
    expect(args.slice(0, script)).toEqual([...AGENT_NODE_FLAGS]);
  });

  it('gives node the agent environment, and nothing else', () => {
    const lines = [...unit.matchAll(/^Environment=(.*)$/gm)];
    const env = Object.fromEntries(
      lines
        .flatMap((line) => (line[1] ?? '').split(/\s+/))
        .map((pair) => pair.split('=', 2)),
    );
    expect(env).toEqual({ ...AGENT_ENV });
  });
});

describe('missingAgentFlags', () => {
  describe('when node runs with every agent flag, among others', () => {
    it('names none', () => {
      expect(missingAgentFlags(['--inspect', ...AGENT_NODE_FLAGS])).toEqual([]);
    });
  });

  describe('when node was started bare, as `vigil agent run` alone does', () => {
    it('names each one missing', () => {
      expect(missingAgentFlags([])).toEqual([...AGENT_NODE_FLAGS]);
      expect(missingAgentFlags(['--expose-gc'])).not.toContain('--expose-gc');
    });
  });
});
