import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  hasErrors,
  type LintFinding,
  type LintOptions,
  lintPolicyDocuments,
  lintPolicyFiles,
} from '../../../collector/policy/lint.js';
import { POLICY_FILE_MAX_BYTES } from '../../../collector/policy/policy-files.js';
import { event, policy, policyError, proc, user } from './helpers.js';

const POLICIES = join(import.meta.dirname, '../../../policies');
/** 2026-03-04, a Wednesday: the examples' contracts still run. */
const NOW = Date.parse('2026-03-04T03:15:00Z');

/** Findings for one policy text, without the file name. */
function lint(
  text: string,
  options: LintOptions = {},
): Omit<LintFinding, 'file'>[] {
  const report = lintPolicyDocuments([{ file: 'p.yaml', text }], {
    now: NOW,
    ...options,
  });
  return report.findings.map(({ file: _file, ...rest }) => rest);
}

const head = 'id: p\nseverity: high\n';

describe('lintPolicyDocuments', () => {
  describe('when the example policies are linted', () => {
    it('finds nothing', () => {
      const report = lintPolicyFiles(POLICIES, { now: NOW });
      expect(report.files).toHaveLength(9);
      expect(report.findings).toEqual([]);
      expect(hasErrors(report)).toBe(false);
    });
  });

  describe('when a policy does not load', () => {
    it.each([
      [
        'an unknown timezone',
        `${head}paths: [/srv/**]\nallow:\n  - name: r\n    schedule: { days: [mon], timezone: Mars/Olympus }\n`,
        {
          line: 6,
          field: 'allow[0].schedule.timezone',
          code: 'VIGIL_POLICY_TIMEZONE_UNKNOWN',
        },
      ],
      [
        'an empty user list',
        `${head}paths: [/srv/**]\nallow:\n  - name: r\n    users: []\n`,
        {
          line: 6,
          field: 'allow[0].users',
          code: 'VIGIL_POLICY_SCHEMA_INVALID',
        },
      ],
      [
        'an unknown key',
        `${head}paths: [/srv/**]\nallow:\n  - name: r\n    user: [bob]\n`,
        {
          line: 6,
          field: 'allow[0].user',
          code: 'VIGIL_POLICY_SCHEMA_INVALID',
        },
      ],
      [
        'a relative glob',
        `${head}paths: [srv/**]\n`,
        { line: 3, field: 'paths[0]', code: 'VIGIL_POLICY_GLOB_INVALID' },
      ],
      [
        'broken YAML',
        `${head}paths: [/srv/**\n`,
        { code: 'VIGIL_POLICY_YAML_INVALID' },
      ],
    ])('reports %s as one error with line and field', (_what, text, want) => {
      const findings = lint(text);
      expect(findings).toEqual([
        expect.objectContaining({ ...want, severity: 'error' }),
      ]);
      expect(findings[0]?.message).not.toMatch(/^p\.yaml/);
    });

    it('goes on with the files after it', () => {
      const report = lintPolicyDocuments([
        { file: 'a.yaml', text: 'id: [' },
        {
          file: 'b.yaml',
          text: `${head}paths: [/srv/b/**, /srv/b/**]\nexcept: [/srv/b/**]\n`,
        },
      ]);
      expect(report.findings.map((f) => [f.file, f.code])).toEqual([
        ['a.yaml', 'VIGIL_POLICY_YAML_INVALID'],
        ['b.yaml', 'VIGIL_POLICY_GLOB_EXCEPTED'],
        ['b.yaml', 'VIGIL_POLICY_GLOB_EXCEPTED'],
      ]);
    });
  });

  describe('when a text is over the size limit', () => {
    it('reports it and lints the others', () => {
      const report = lintPolicyDocuments([
        { file: 'big.yaml', text: `# ${'x'.repeat(POLICY_FILE_MAX_BYTES)}\n` },
        { file: 'ok.yaml', text: `${head}paths: [/srv/**]\n` },
      ]);
      expect(report.findings.map((f) => [f.file, f.code])).toEqual([
        ['big.yaml', 'VIGIL_POLICY_TOO_LARGE'],
      ]);
    });
  });

  describe('when a deny rule names the user "unset"', () => {
    it('warns about it too', () => {
      const text = `${head}paths: [/srv/**]\ndeny: [{ name: d, users: [unset] }]\n`;
      expect(lint(text).map((f) => [f.field, f.code])).toEqual([
        ['deny[0].users[0]', 'VIGIL_POLICY_USER_UNSET'],
      ]);
    });
  });

  describe('when two files use one id', () => {
    it('reports the later file at its id, naming the earlier', () => {
      const text = `# a comment\n${head}paths: [/srv/**]\n`;
      const report = lintPolicyDocuments([
        { file: 'a.yaml', text },
        { file: 'b.yaml', text },
      ]);
      expect(report.findings).toEqual([
        {
          file: 'b.yaml',
          line: 2,
          field: 'id',
          code: 'VIGIL_POLICY_DUPLICATE_ID',
          severity: 'error',
          message: 'policy id "p" is already used by a.yaml',
        },
      ]);
      expect(hasErrors(report)).toBe(true);
    });

    it('reports it even when the later file has other errors', () => {
      const bad = `${head}paths: [/srv/**]\nallow: [{ name: r, schedule: { days: [mon], timezone: Nowhere } }]\n`;
      const report = lintPolicyDocuments([
        { file: 'a.yaml', text: `${head}paths: [/srv/**]\n` },
        { file: 'b.yaml', text: bad },
      ]);
      expect(report.findings.map((f) => f.code)).toEqual([
        'VIGIL_POLICY_DUPLICATE_ID',
        'VIGIL_POLICY_TIMEZONE_UNKNOWN',
      ]);
    });
  });

  describe('when designated roots are given', () => {
    const text = `${head}paths:\n  - /srv/data/customers/**\n  - /srv/**/finance/*.csv\n  - /srv/*.csv\n  - /home/*/notes/**\n`;
    const outside = (roots: string[]): (string | undefined)[] =>
      lint(text, { roots })
        .filter((f) => f.code === 'VIGIL_POLICY_GLOB_OUTSIDE_ROOTS')
        .map((f) => f.field);

    it('warns about each glob that can match nothing below any root', () => {
      const findings = lint(text, { roots: ['/srv/data/'] });
      expect(findings).toContainEqual({
        line: 7,
        field: 'paths[3]',
        code: 'VIGIL_POLICY_GLOB_OUTSIDE_ROOTS',
        severity: 'warning',
        message:
          '/home/*/notes/** matches nothing under the designated roots /srv/data',
      });
      // /srv/*.csv matches files directly in /srv only, never below /srv/data.
      expect(outside(['/srv/data/'])).toEqual(['paths[2]', 'paths[3]']);
    });

    it('accepts a glob whose wildcards can reach into a root', () => {
      expect(outside(['/srv/data', '/home/li.wei/notes/2026'])).toEqual([
        'paths[2]',
      ]);
    });

    it('warns about a glob that ends above the root', () => {
      const above = `${head}paths: [/srv/data, /srv/data/x]\n`;
      const findings = lint(above, { roots: ['/srv/data/x/y'] });
      expect(findings.map((f) => f.field)).toEqual(['paths[0]', 'paths[1]']);
    });

    it('skips the check without roots, or with / as a root', () => {
      expect(outside([])).toEqual([]);
      expect(outside(['/'])).toEqual([]);
    });
  });

  describe('when an except glob removes a paths glob whole', () => {
    it.each([
      ['the same glob', '/srv/a/**', '/srv/a/**'],
      ['a directory above it', '/srv/a/tmp/*.csv', '/srv/a/**'],
      ['the directory itself', '/srv/a/tmp', '/srv/a/tmp/**'],
    ])('reports %s as an error', (_what, glob, except) => {
      const findings = lint(
        `${head}paths: [/srv/b/**, '${glob}']\nexcept: ['${except}']\n`,
      );
      expect(findings).toEqual([
        {
          line: 3,
          field: 'paths[1]',
          code: 'VIGIL_POLICY_GLOB_EXCEPTED',
          severity: 'error',
          message: `${glob} is removed whole by except ${except}, so it designates nothing`,
        },
      ]);
    });

    it('accepts an except glob that removes only part of it', () => {
      const text = `${head}paths: ['/srv/a*/x', /srv/a/**]\nexcept: [/srv/a/tmp/**, '**/*.tmp']\n`;
      expect(lint(text)).toEqual([]);
    });
  });

  describe('when a deny rule matches all an allow rule matches', () => {
    it.each([
      [
        'actions cover its actions',
        'actions: [read]',
        'actions: [read, write]',
      ],
      [
        'users cover its users',
        'users: [li.wei]\n    actions: [read]',
        'users: [li.wei, bob]',
      ],
      [
        'groups cover its groups',
        'groups: [interns]',
        'groups: [interns, temps]',
      ],
      [
        'outcome covers its outcome',
        'outcome: [denied]',
        'outcome: [denied, failed]',
      ],
      [
        'processes cover its processes',
        'processes: [/usr/bin/scp]',
        'processes: [/usr/bin/scp, /usr/bin/curl]',
      ],
      [
        'every action is listed',
        'groups: [staff]',
        'actions: [read, write, create, delete, rename, link, chmod, chown, truncate, exec]',
      ],
      ['it has no conditions', 'actions: [read]', 'description: nothing goes'],
    ])(
      'warns that the allow rule is shadowed when %s',
      (_what, allow, deny) => {
        const text = `${head}paths: [/srv/**]\nallow:\n  - name: a\n    ${allow}\ndeny:\n  - name: d\n    ${deny}\n`;
        expect(lint(text)).toEqual([
          {
            line: 5,
            field: 'allow[0]',
            code: 'VIGIL_POLICY_RULE_SHADOWED',
            severity: 'warning',
            message:
              'allow rule a can never permit anything: deny rule d matches every event it matches, and deny decides',
          },
        ]);
      },
    );

    it.each([
      [
        'the deny rule lists fewer actions',
        'actions: [read, write]',
        'actions: [read]',
      ],
      [
        'the deny rule needs a group the allow rule does not',
        'actions: [read]',
        'groups: [interns]',
      ],
      [
        'the allow rule has any outcome',
        'actions: [read]',
        'outcome: [denied]',
      ],
      [
        'the process globs differ',
        'processes: [/usr/bin/scp]',
        "processes: ['/usr/bin/*']",
      ],
    ])('stays silent when %s', (_what, allow, deny) => {
      const text = `${head}paths: [/srv/**]\nallow:\n  - name: a\n    ${allow}\ndeny:\n  - name: d\n    ${deny}\n`;
      expect(lint(text)).toEqual([]);
    });

    it('flags only rules the evaluator never lets through', () => {
      const text = `${head}paths: [/srv/**]\nallow: [{ name: a, users: [li.wei], actions: [read] }]\ndeny: [{ name: d, users: [li.wei, bob] }]\n`;
      expect(lint(text).map((f) => f.code)).toEqual([
        'VIGIL_POLICY_RULE_SHADOWED',
      ]);
      const read = event({ path: '/srv/x', user: user('li.wei') });
      expect(
        policy(text)
          .evaluate(read)
          .map((v) => v.rule),
      ).toEqual(['d']);
    });
  });

  describe('when an allow rule can never match', () => {
    it('reports a valid period that ends before it starts in its zone', () => {
      const text = `${head}paths: [/srv/**]\nallow:\n  - name: r\n    valid: { from: '2026-03-05T01:00:00+08:00', until: 2026-03-04 }\n    schedule: { days: [thu], timezone: Asia/Shanghai }\n`;
      expect(lint(text)).toEqual([
        {
          line: 6,
          field: 'allow[0].valid',
          code: 'VIGIL_POLICY_RULE_NEVER_MATCHES',
          severity: 'error',
          message:
            'allow rule r can never match: valid from 2026-03-05T01:00:00+08:00 is after until 2026-03-04 in Asia/Shanghai',
        },
      ]);
    });

    it('reports a valid period that holds none of its scheduled days', () => {
      const text = `${head}paths: [/srv/**]\nallow:\n  - name: r\n    valid: { from: 2026-03-07, until: 2026-03-08 }\n    schedule: { days: [mon, tue, wed, thu, fri], timezone: UTC }\n`;
      expect(lint(text)).toEqual([
        expect.objectContaining({
          field: 'allow[0].valid',
          code: 'VIGIL_POLICY_RULE_NEVER_MATCHES',
          message:
            'allow rule r can never match: its valid period holds only sat, sun, and its schedule allows mon–fri UTC',
        }),
      ]);
    });

    it('accepts a Saturday period for a Friday window past midnight', () => {
      const text = `${head}paths: [/srv/**]\nallow:\n  - name: r\n    valid: { from: 2026-03-07, until: 2026-03-07 }\n    schedule: { days: [fri], hours: '22:00-02:00', timezone: UTC }\n`;
      expect(lint(text)).toEqual([]);
      // Saturday 01:00 belongs to Friday's window and lies in the period.
      const late = event({ path: '/srv/x', time: '2026-03-07T01:00:00Z' });
      expect(policy(text).evaluate(late)).toEqual([]);
    });
  });

  describe('when an until has passed', () => {
    const text = `${head}paths: [/srv/**]\nallow:\n  - name: r\n    valid: { until: 2027-06-30 }\n    schedule: { days: [mon], timezone: Asia/Shanghai }\n`;
    const at = (iso: string): string[] =>
      lint(text, { now: Date.parse(iso) }).map((f) => f.code);

    it('warns once the until day is over in the rule zone', () => {
      // 2027-06-30T16:00Z is midnight in Shanghai.
      expect(at('2027-06-30T15:59:00Z')).toEqual([]);
      expect(at('2027-06-30T16:00:00Z')).toEqual(['VIGIL_POLICY_UNTIL_PAST']);
      expect(lint(text, { now: Date.parse('2028-01-01T00:00:00Z') })).toEqual([
        {
          line: 6,
          field: 'allow[0].valid.until',
          code: 'VIGIL_POLICY_UNTIL_PAST',
          severity: 'warning',
          message:
            'allow rule r ended at 2027-06-30; it permits nothing from now on',
        },
      ]);
    });

    it('compares an exact until with the instant', () => {
      const exact = `${head}paths: [/srv/**]\nallow: [{ name: r, valid: { until: '2026-03-04T03:15:00Z' } }]\n`;
      expect(lint(exact)).toEqual([]);
      expect(lint(exact, { now: NOW + 1 }).map((f) => f.code)).toEqual([
        'VIGIL_POLICY_UNTIL_PAST',
      ]);
    });
  });

  describe('when a rule names the user "unset"', () => {
    it('warns that the entry never matches, as the evaluator shows', () => {
      const text = `${head}paths: [/srv/**]\nallow:\n  - name: cron\n    users: [li.wei, unset]\n`;
      expect(lint(text)).toEqual([
        expect.objectContaining({
          line: 6,
          field: 'allow[0].users[1]',
          code: 'VIGIL_POLICY_USER_UNSET',
          severity: 'warning',
        }),
      ]);
      const cron = { ...user('unset'), name: 'backup' };
      const read = event({
        path: '/srv/x',
        user: cron,
        process: proc('/usr/bin/tar'),
      });
      expect(policy(text).evaluate(read)).toHaveLength(1);
    });
  });
});

describe('lintPolicyFiles', () => {
  const root = mkdtempSync(join(tmpdir(), 'vigil-policy-lint-'));
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  describe('when a directory holds a file that is not UTF-8', () => {
    it('reports it and lints the others', () => {
      writeFileSync(join(root, 'a.yaml'), Buffer.from([0xff, 0xfe, 0x00]));
      writeFileSync(join(root, 'b.yaml'), `${head}paths: [/srv/**]\n`);
      writeFileSync(join(root, 'b.test.yaml'), '- not a policy\n');
      const report = lintPolicyFiles(root, { now: NOW });
      expect(report.files).toEqual([
        join(root, 'a.yaml'),
        join(root, 'b.yaml'),
      ]);
      expect(report.findings).toEqual([
        {
          file: join(root, 'a.yaml'),
          line: undefined,
          field: undefined,
          code: 'VIGIL_POLICY_YAML_INVALID',
          severity: 'error',
          message: 'is not UTF-8 text',
        },
      ]);
    });
  });

  describe('when the path does not exist', () => {
    it('throws a PolicyError naming it', () => {
      const missing = join(root, 'missing');
      const error = policyError(
        () => lintPolicyFiles(missing),
        'VIGIL_POLICY_UNREADABLE',
      );
      expect(error.file).toBe(missing);
    });
  });
});
