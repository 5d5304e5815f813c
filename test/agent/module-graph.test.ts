import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLI, requireBuild } from '../helpers/vigil-cli.js';

// Logs every module node loads as an ES module, and at exit what CommonJS
// modules it still holds, into VIGIL_TEST_MODULE_LOG.
const HOOKS = `import { appendFileSync } from 'node:fs';
let file;
export function initialize(data) { file = data.file; }
export async function load(url, context, next) {
  appendFileSync(file, 'esm ' + url + '\\n');
  return next(url, context);
}
`;
const REGISTER = `import { appendFileSync } from 'node:fs';
import { createRequire, register } from 'node:module';
const file = process.env.VIGIL_TEST_MODULE_LOG;
register('./hooks.mjs', import.meta.url, { data: { file } });
process.on('exit', () => {
  const held = Object.keys(createRequire(import.meta.url).cache);
  appendFileSync(file, held.map((k) => 'cjs ' + k + '\\n').join(''));
});
`;

/**
 * What `vigil agent run` loads, and keeps, up to the point where it would
 * start sensing: its config read and checked, its state missing.
 */
function agentModules(dir: string): { loaded: string[]; held: string[] } {
  const log = join(dir, 'modules.log');
  const config = join(dir, 'agent.yaml');
  writeFileSync(join(dir, 'hooks.mjs'), HOOKS);
  writeFileSync(join(dir, 'register.mjs'), REGISTER);
  writeFileSync(
    config,
    `collector: https://127.0.0.1:1\nstate: ${join(dir, 'no-state')}\n`,
  );
  const run = spawnSync(
    process.execPath,
    [
      '--import',
      join(dir, 'register.mjs'),
      CLI,
      'agent',
      'run',
      '--config',
      config,
    ],
    {
      encoding: 'utf8',
      timeout: 30_000,
      env: { ...process.env, VIGIL_TEST_MODULE_LOG: log },
    },
  );
  expect(run.stderr).toContain('VIGIL_'); // stopped at the missing state
  const lines = readFileSync(log, 'utf8').split('\n');
  const pick = (kind: string) =>
    lines.filter((l) => l.startsWith(`${kind} `)).map((l) => l.slice(4));
  return { loaded: pick('esm'), held: pick('cjs') };
}

const packageOf = (path: string) =>
  /node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(path)?.[1];

describe('the agent process', () => {
  let dir: string;
  let modules: { loaded: string[]; held: string[] };
  beforeAll(() => {
    requireBuild();
    dir = mkdtempSync(join(tmpdir(), 'vigil-modules-'));
    modules = agentModules(dir);
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  describe('when started with the audit sensor only', () => {
    it('loads neither chokidar nor ajv (DESIGN section 10)', () => {
      const packages = new Set(
        [...modules.loaded, ...modules.held].map(packageOf),
      );
      expect(packages).toContain('better-sqlite3'); // the hook saw the run
      expect(packages).not.toContain('chokidar');
      expect(packages).not.toContain('ajv-formats');
      const ajv = [...modules.loaded, ...modules.held].filter(
        (p) => packageOf(p) === 'ajv',
      );
      // Only the generated config check's string-length helper.
      expect(ajv.every((p) => p.includes('/ajv/dist/runtime/'))).toBe(true);
    });

    it('keeps no module of yaml once its config is read', () => {
      expect(modules.loaded.map(packageOf)).not.toContain('yaml');
      expect(modules.held.map(packageOf)).not.toContain('yaml');
    });
  });
});
