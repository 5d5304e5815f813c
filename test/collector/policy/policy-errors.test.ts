import { describe, expect, it } from 'vitest';
import type { PolicyErrorCode } from '../../../collector/policy/errors.js';
import { PolicyError } from '../../../collector/policy/errors.js';
import { PolicySet } from '../../../collector/policy/policy-set.js';
import { policy, policyError } from './helpers.js';

const HEAD = 'id: p\nseverity: high\n';

interface Case {
  name: string;
  text: string;
  code: PolicyErrorCode;
  field?: string;
  line?: number;
  says: string;
}

const cases: Case[] = [
  {
    name: 'text that is not YAML',
    text: `${HEAD}paths: [/srv/**\n`,
    code: 'VIGIL_POLICY_YAML_INVALID',
    says: 'not valid YAML',
  },
  {
    name: 'a key given twice',
    text: `${HEAD}paths: [/a/**]\npaths: [/b/**]\n`,
    code: 'VIGIL_POLICY_YAML_INVALID',
    line: 4,
    says: 'unique',
  },
  {
    name: 'two YAML documents',
    text: `${HEAD}paths: [/a/**]\n---\nid: q\n`,
    code: 'VIGIL_POLICY_YAML_INVALID',
    line: 4,
    says: 'holds more than one YAML document',
  },
  {
    name: 'an anchor and alias',
    text: `${HEAD}paths: &p [/a/**]\nexcept: *p\n`,
    code: 'VIGIL_POLICY_YAML_INVALID',
    line: 3,
    says: 'anchors and aliases are not allowed',
  },
  {
    name: 'an unknown tag',
    text: `${HEAD}paths: !glob [/a/**]\n`,
    code: 'VIGIL_POLICY_YAML_INVALID',
    line: 3,
    says: 'not valid YAML',
  },
  {
    name: 'an empty file',
    text: '',
    code: 'VIGIL_POLICY_SCHEMA_INVALID',
    field: '(document)',
    says: 'must be a mapping',
  },
  {
    name: 'a missing key',
    text: 'id: p\npaths: [/a/**]\n',
    code: 'VIGIL_POLICY_SCHEMA_INVALID',
    field: 'severity',
    says: 'is required',
  },
  {
    name: 'an unknown key',
    text: `${HEAD}paths: [/a/**]\nallow:\n  - name: r\n    group: [analysts]\n`,
    code: 'VIGIL_POLICY_SCHEMA_INVALID',
    field: 'allow[0].group',
    line: 6,
    says: 'is not a known key',
  },
  {
    name: 'a deny-only key on an allow rule',
    text: `${HEAD}paths: [/a/**]\nallow: [{ name: r, severity: low }]\n`,
    code: 'VIGIL_POLICY_SCHEMA_INVALID',
    field: 'allow[0].severity',
    says: 'is not a known key',
  },
  {
    name: 'a wrong type',
    text: `${HEAD}paths: /srv/**\n`,
    code: 'VIGIL_POLICY_SCHEMA_INVALID',
    field: 'paths',
    line: 3,
    says: 'must be a list; got "/srv/**"',
  },
  {
    name: 'an unknown action',
    text: `${HEAD}paths: [/a/**]\ndeny: [{ name: r, actions: [erase] }]\n`,
    code: 'VIGIL_POLICY_SCHEMA_INVALID',
    field: 'deny[0].actions[0]',
    says: 'must be one of read, write',
  },
  {
    name: 'an unknown severity',
    text: 'id: p\nseverity: severe\npaths: [/a/**]\n',
    code: 'VIGIL_POLICY_SCHEMA_INVALID',
    field: 'severity',
    line: 2,
    says: 'must be one of low, medium, high, critical; got "severe"',
  },
  {
    name: 'a malformed id',
    text: 'id: -p\nseverity: low\npaths: [/a/**]\n',
    code: 'VIGIL_POLICY_SCHEMA_INVALID',
    field: 'id',
    says: 'must start with a letter or digit',
  },
  {
    name: 'a rule called default-deny',
    text: `${HEAD}paths: [/a/**]\nallow: [{ name: default-deny }]\n`,
    code: 'VIGIL_POLICY_SCHEMA_INVALID',
    field: 'allow[0].name',
    says: 'reserved',
  },
  {
    name: 'an empty users list',
    text: `${HEAD}paths: [/a/**]\nallow: [{ name: r, users: [] }]\n`,
    code: 'VIGIL_POLICY_SCHEMA_INVALID',
    field: 'allow[0].users',
    says: 'must not be empty',
  },
  {
    name: 'a schedule with only a timezone',
    text: `${HEAD}paths: [/a/**]\nallow:\n  - name: r\n    schedule: { timezone: UTC }\n`,
    code: 'VIGIL_POLICY_SCHEMA_INVALID',
    field: 'allow[0].schedule',
    line: 6,
    says: 'needs days or hours',
  },
  {
    name: 'hours in the wrong form',
    text: `${HEAD}paths: [/a/**]\nallow:\n  - name: r\n    schedule: { hours: 9-18, timezone: UTC }\n`,
    code: 'VIGIL_POLICY_SCHEMA_INVALID',
    field: 'allow[0].schedule.hours',
    says: 'must be HH:MM-HH:MM',
  },
  {
    name: 'a limit window in the wrong form',
    text: `${HEAD}paths: [/a/**]\nlimits: [{ name: l, max: 5, window: 10 minutes, per: user }]\n`,
    code: 'VIGIL_POLICY_SCHEMA_INVALID',
    field: 'limits[0].window',
    says: 'whole number followed by s, m, h or d',
  },
  {
    name: 'a limit per something unknown',
    text: `${HEAD}paths: [/a/**]\nlimits: [{ name: l, max: 5, window: 10m, per: host }]\n`,
    code: 'VIGIL_POLICY_SCHEMA_INVALID',
    field: 'limits[0].per',
    says: 'must be one of user, process, agent',
  },
  {
    name: 'an empty glob',
    text: `${HEAD}paths: ["/a/**", ""]\n`,
    code: 'VIGIL_POLICY_GLOB_INVALID',
    field: 'paths[1]',
    line: 3,
    says: 'glob is empty',
  },
  {
    name: 'a relative path glob',
    text: `${HEAD}paths: ["**/*.csv"]\n`,
    code: 'VIGIL_POLICY_GLOB_INVALID',
    field: 'paths[0]',
    says: 'must be an absolute path',
  },
  {
    name: 'a relative except glob not starting with **/',
    text: `${HEAD}paths: [/a/**]\nexcept: ["*.tmp"]\n`,
    code: 'VIGIL_POLICY_GLOB_INVALID',
    field: 'except[0]',
    says: 'must start with / or **/',
  },
  {
    name: 'an extglob in a process glob',
    text: `${HEAD}paths: [/a/**]\ndeny:\n  - name: r\n    processes:\n      - "/usr/bin/+(a|b)"\n`,
    code: 'VIGIL_POLICY_GLOB_INVALID',
    field: 'deny[0].processes[0]',
    line: 7,
    says: 'extglobs',
  },
  {
    name: 'an overly long glob',
    text: `${HEAD}paths: ["/${'a'.repeat(1100)}/**"]\n`,
    code: 'VIGIL_POLICY_GLOB_INVALID',
    field: 'paths[0]',
    says: 'the limit is 1024',
  },
  {
    name: 'an unknown timezone',
    text: `${HEAD}paths: [/a/**]\nallow:\n  - name: r\n    schedule:\n      days: [mon]\n      timezone: Asia/Shangai\n`,
    code: 'VIGIL_POLICY_TIMEZONE_UNKNOWN',
    field: 'allow[0].schedule.timezone',
    line: 8,
    says: 'unknown IANA timezone "Asia/Shangai"',
  },
  {
    name: 'hours out of range',
    text: `${HEAD}paths: [/a/**]\nallow:\n  - name: r\n    schedule: { hours: "09:00-25:00", timezone: UTC }\n`,
    code: 'VIGIL_POLICY_TIME_INVALID',
    field: 'allow[0].schedule.hours',
    says: 'is not a time window',
  },
  {
    name: 'hours covering the whole day',
    text: `${HEAD}paths: [/a/**]\nallow:\n  - name: r\n    schedule: { hours: "08:00-08:00", timezone: UTC }\n`,
    code: 'VIGIL_POLICY_TIME_INVALID',
    field: 'allow[0].schedule.hours',
    says: 'covers the whole day',
  },
  {
    name: 'a date that does not exist',
    text: `${HEAD}paths: [/a/**]\nallow: [{ name: r, valid: { until: 2027-02-30 } }]\n`,
    code: 'VIGIL_POLICY_TIME_INVALID',
    field: 'allow[0].valid.until',
    says: '"2027-02-30" is not a real date',
  },
  {
    name: 'from after until',
    text: `${HEAD}paths: [/a/**]\nallow: [{ name: r, valid: { from: 2027-01-01, until: 2026-12-31 } }]\n`,
    code: 'VIGIL_POLICY_TIME_INVALID',
    field: 'allow[0].valid.from',
    says: 'from 2027-01-01 is after until 2026-12-31',
  },
  {
    name: 'a limit window over a week',
    text: `${HEAD}paths: [/a/**]\nlimits: [{ name: l, max: 5, window: 8d, per: user }]\n`,
    code: 'VIGIL_POLICY_TIME_INVALID',
    field: 'limits[0].window',
    says: 'longer than 7d',
  },
  {
    name: 'two rules with one name',
    text: `${HEAD}paths: [/a/**]\nallow: [{ name: r }]\ndeny:\n  - name: r\n`,
    code: 'VIGIL_POLICY_DUPLICATE_RULE',
    field: 'deny[0].name',
    line: 6,
    says: 'rule name "r" is used twice',
  },
];

describe('PolicySet.fromDocuments', () => {
  describe.each(cases)('when a policy has $name', (c) => {
    it(`throws ${c.code} naming file, field and line`, () => {
      const error = policyError(() => policy(c.text, 'bad.yaml'), c.code);
      expect(error.file).toBe('bad.yaml');
      expect(error.message).toContain(c.says);
      if (c.field !== undefined) expect(error.field).toBe(c.field);
      if (c.line !== undefined) expect(error.line).toBe(c.line);
      const where = c.line === undefined ? 'bad.yaml' : `bad.yaml:${c.line}`;
      expect(error.message.startsWith(`${where}:`)).toBe(true);
    });
  });

  describe('when two files share an id', () => {
    it('throws VIGIL_POLICY_DUPLICATE_ID naming both files', () => {
      const text = `${HEAD}paths: [/a/**]\n`;
      const error = policyError(
        () =>
          PolicySet.fromDocuments([
            { file: 'one.yaml', text },
            { file: 'two.yaml', text },
          ]),
        'VIGIL_POLICY_DUPLICATE_ID',
      );
      expect(error.message).toBe(
        'two.yaml:1: id: policy id "p" is already used by one.yaml',
      );
    });
  });

  describe('when a document is hostile', () => {
    it('refuses a billion-laughs alias bomb without expanding it', () => {
      const bomb = [
        'a: &a [x, x, x, x, x, x, x, x, x]',
        ...Array.from({ length: 8 }, (_, i) => {
          const prev = String.fromCharCode(97 + i);
          const next = String.fromCharCode(98 + i);
          return `${next}: &${next} [*${prev}, *${prev}, *${prev}, *${prev}, *${prev}, *${prev}, *${prev}, *${prev}, *${prev}]`;
        }),
      ].join('\n');
      policyError(() => policy(bomb), 'VIGIL_POLICY_YAML_INVALID');
    });

    it('refuses deep nesting before the recursive parser sees it', () => {
      // Composing this twice once aborted the process (V8 regex OOM).
      for (const deep of ['- '.repeat(1000) + 'x', '['.repeat(5000)]) {
        for (let round = 0; round < 2; round++) {
          const error = policyError(
            () => policy(deep),
            'VIGIL_POLICY_YAML_INVALID',
          );
          expect(error.message).toContain('more than 32 levels deep');
        }
      }
    });

    it('accepts nesting up to the limit', () => {
      const nested = `${'['.repeat(31)}x${']'.repeat(31)}`;
      const text = `${HEAD}paths: [/a/**]\ndescription: ${nested}\n`;
      policyError(() => policy(text), 'VIGIL_POLICY_SCHEMA_INVALID');
    });

    it('turns random YAML-like text into PolicyErrors only', () => {
      const alphabet = [
        '- ',
        ': ',
        '[',
        ']',
        '{',
        '}',
        ',',
        '&a ',
        '*a',
        '!t ',
        '"',
        "'",
        '\n',
        '  ',
        '#',
        'id',
        'paths',
        '/srv/**',
        'allow',
        'name',
        '|',
        '>',
        '?',
        '%',
        '@',
        '\t',
        'x',
        '1',
        'null',
        '~',
      ];
      let seed = 7;
      const next = (): number => {
        seed = (seed * 1103515245 + 12345) % 2147483648;
        return seed / 2147483648;
      };
      for (let n = 0; n < 2000; n++) {
        const length = 1 + Math.floor(next() * 40);
        const text = Array.from(
          { length },
          () => alphabet[Math.floor(next() * alphabet.length)],
        ).join('');
        expect(() => policy(text), JSON.stringify(text)).toThrow(PolicyError);
      }
    });

    it('turns any garbage into a PolicyError, never a raw error', () => {
      const samples = [
        '\u0000\u0001',
        ']]]',
        '{',
        '- - - -',
        'id: p\nseverity: high\npaths: [/a/**]\nallow: 5\n',
        'id: p\nseverity: high\npaths: [/a/**]\nallow: [null]\n',
        'id: p\nseverity: high\npaths: [/a/**]\nallow: [{name: r, valid: null}]\n',
        'id: p\nseverity: high\npaths: [/a/**]\n__proto__: {x: 1}\n',
        'id: p\nseverity: high\npaths: [/a/**]\nallow: [{name: r, schedule: {days: [mon], timezone: 5}}]\n',
        'id: 12\nseverity: high\npaths: [7]\n',
        '? [a]\n: b\n',
        '"\\xzz"',
      ];
      for (const text of samples) {
        expect(() => policy(text), JSON.stringify(text)).toThrow(PolicyError);
      }
    });
  });
});
