import {
  existsSync,
  mkdirSync,
  readFileSync,
  readdirSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Report } from '../../collector/report/report-model.js';
import {
  buildReportFixture,
  type ReportFixture,
} from '../collector/report/report-fixture.js';
import { runVigil } from './run-vigil.js';

/** Runs `vigil report …` in this process with `env` set for the run. */
async function vigilReport(
  args: string[],
  env: Record<string, string | undefined> = {},
): Promise<{ code: number; stdout: string; stderr: string }> {
  const saved = Object.keys(env).map((key) => [key, process.env[key]]);
  setEnv(env);
  try {
    return await runVigil(['report', ...args]);
  } finally {
    setEnv(Object.fromEntries(saved));
  }
}

/** Sets environment variables; undefined removes one. */
function setEnv(values: Record<string, string | undefined>): void {
  for (const [key, value] of Object.entries(values)) {
    if (value === undefined) delete process.env[key];
    else process.env[key] = value;
  }
}

describe('vigil report', () => {
  let fx: ReportFixture;
  let data: string[];

  beforeAll(async () => {
    fx = await buildReportFixture();
    data = ['--data', fx.dataDir, '--tz', 'UTC'];
  }, 90_000);

  afterAll(() => fx?.close());

  describe('when --out names a file', () => {
    it('writes it with mode 0600 and says what it wrote', async () => {
      const file = join(fx.root, 'report.json');
      const run = await vigilReport([
        ...data,
        '--format',
        'json',
        '--out',
        file,
      ]);
      expect(run).toMatchObject({ code: 0, stderr: '' });
      expect(statSync(file).mode & 0o777).toBe(0o600);
      const report = JSON.parse(readFileSync(file, 'utf8')) as Report;
      expect(report.schema).toBe('vigil.report/1');
      expect(run.stdout).toMatch(
        new RegExp(
          `^wrote ${file}: ${report.totals.total} violations, 3 agents`,
        ),
      );
    });

    it('replaces an older, wider file whole, at mode 0600', async () => {
      const file = join(fx.root, 'old.csv');
      writeFileSync(file, 'old', { mode: 0o644 });
      const run = await vigilReport([
        ...data,
        '--format',
        'csv',
        '--out',
        file,
      ]);
      expect(run.code).toBe(0);
      expect(statSync(file).mode & 0o777).toBe(0o600);
      expect(readFileSync(file, 'utf8')).toMatch(/^\ufeffid,flagged_at,/);
      expect(readdirSync(fx.root).filter((n) => n.endsWith('.tmp'))).toEqual(
        [],
      );
    });

    it('replaces a symlink rather than writing where it points', async () => {
      const target = join(fx.root, 'elsewhere.txt');
      writeFileSync(target, 'keep me');
      const link = join(fx.root, 'link.html');
      symlinkSync(target, link);
      const run = await vigilReport([...data, '--out', link]);
      expect(run.code).toBe(0);
      expect(readFileSync(target, 'utf8')).toBe('keep me');
      expect(readFileSync(link, 'utf8')).toMatch(/^<!doctype html>/);
    });
  });

  describe('when there is no --out, or --out -', () => {
    it('prints the report on standard output', async () => {
      for (const extra of [[], ['--out', '-']]) {
        const run = await vigilReport([...data, ...extra]);
        expect(run.code).toBe(0);
        expect(run.stdout).toMatch(/^<!doctype html>\n<html lang="en">/);
      }
    });
  });

  describe('when the language is not given', () => {
    it('follows LANG', async () => {
      const run = await vigilReport(data, {
        LANG: 'zh_CN.UTF-8',
        LC_ALL: undefined,
        LC_MESSAGES: undefined,
      });
      expect(run.stdout).toContain('<html lang="zh-CN">');
      expect(run.stdout).toContain('<h1>Vigil 违规报告</h1>');
    });
  });

  describe('when the input is wrong', () => {
    it.each([
      [['--format', 'pdf'], 'VIGIL_REPORT_OPTION_INVALID: --format: "pdf"'],
      [['--since', 'lately'], 'VIGIL_REPORT_OPTION_INVALID: --since: "lately"'],
      [['--since', '3parsecs'], 'VIGIL_DURATION_INVALID: --since: "3parsecs"'],
      [['--tz', 'Nowhere/Land'], 'VIGIL_REPORT_OPTION_INVALID: --tz:'],
      [['--lang', 'de'], 'VIGIL_REPORT_OPTION_INVALID: --lang:'],
    ])('%j fails with a stable code and writes nothing', async (args, line) => {
      const out = join(fx.root, 'never.html');
      const run = await vigilReport([...data, ...args, '--out', out]);
      expect(run.code).toBe(1);
      expect(run.stderr.startsWith(`vigil: ${line}`)).toBe(true);
      expect(existsSync(out)).toBe(false);
    });

    it('names a data directory without a store', async () => {
      const empty = join(fx.root, 'empty');
      mkdirSync(empty);
      const run = await vigilReport(['--data', empty]);
      expect(run.code).toBe(1);
      expect(run.stderr).toMatch(/^vigil: VIGIL_DATA_DIR_MISSING: --data: /);
    });

    it.each([
      ['a missing folder', 'no/such/dir/report.html'],
      ['a folder', '.'],
    ])('refuses an --out in %s', async (_what, out) => {
      const run = await vigilReport([...data, '--out', join(fx.root, out)]);
      expect(run.code).toBe(1);
      expect(run.stderr).toMatch(
        /^vigil: VIGIL_REPORT_OUT_UNWRITABLE: --out: /,
      );
      expect(run.stdout).toBe('');
    });

    it('is a usage error without --data', async () => {
      const run = await vigilReport([]);
      expect(run.code).toBe(2);
    });
  });
});
