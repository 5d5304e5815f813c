import { readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { AuditError } from '../../../agent/audit/errors.js';
import { parseRecord } from '../../../agent/audit/parse-record.js';
import {
  corpus,
  CORPUS_DIR,
  fixture,
  HAVE_CORPUS,
  linesOf,
} from './helpers.js';

function parseOne(line: string | undefined) {
  const record = parseRecord(line ?? '');
  if (record === undefined) throw new Error('expected a record');
  return record;
}

describe.skipIf(!HAVE_CORPUS)('parseRecord on corpus logs', () => {
  describe('when a raw SYSCALL line comes in', () => {
    it('reads type, kernel time, serial and the fields', () => {
      const [line] = linesOf(corpus('go-libaudit__testdata_normal.log'), 59);
      const record = parseOne(line);
      expect(record).toMatchObject({
        node: undefined,
        type: 'SYSCALL',
        timeMs: 1492037291036,
        serial: 59,
        eventKey: '1492037291.036:59',
      });
      expect(record.fields).toMatchObject({
        syscall: '59',
        success: 'yes',
        comm: 'grep',
        exe: '/usr/bin/grep',
        key: 'user_commands',
        auid: '1000',
      });
    });
  });

  describe('when the line is in the ENRICHED format', () => {
    it('ignores the interpreted fields after the 0x1D byte', () => {
      const text = corpus('laurel__record-perl-reverse-shell.txt');
      const record = parseOne(text.split('\n')[0]);
      expect(text.split('\n')[0]).toContain('\x1dARCH=x86_64');
      expect(record.fields.key).toBeNull();
      expect(record.fields.subj).toBe('=unconfined');
      expect(record.fields).not.toHaveProperty('ARCH');
      expect(record.fields).not.toHaveProperty('UID');
    });
  });

  describe('when the line carries a node= prefix', () => {
    it('keeps the node and ties it into the event key', () => {
      const text = corpus('audit-userspace__auparse_test_test3.log');
      const record = parseOne(text.split('\n')[0]);
      expect(record.node).toBe('auditdtest.a1959.org');
      expect(record.type).toBe('SYSCALL');
      expect(record.eventKey).toBe(
        'auditdtest.a1959.org 1451781471.394:194435',
      );
    });
  });

  describe('when values are hex-encoded', () => {
    it('decodes a cwd holding spaces', () => {
      const text = corpus('go-libaudit__auparse_testdata_audit-rhel7.log');
      const line = text.split('\n').find((l) => l.includes('cwd=2F'));
      expect(parseOne(line).fields.cwd).toBe('/tmp/a b c');
    });

    it('decodes a PATH name', () => {
      const text = corpus('go-libaudit__auparse_testdata_audit-ubuntu14.log');
      const line = text.split('\n').find((l) => l.startsWith('type=PATH'));
      expect(parseOne(line).fields.name).toBe('/share/general/path_redacted');
    });

    it('decodes exe, comm-like fields and a proctitle with NULs', () => {
      const text = corpus('go-libaudit__testdata_normal.log');
      const [syscall] = linesOf(text, 58);
      expect(parseOne(syscall).fields.exe).toBe(
        '/usr/bin/python2.7;58d1ccfb (deleted)',
      );
      const title = corpus(
        'go-libaudit__aucoalesce_ubuntu-17.04-linux-4.10.0.extracted.log',
      )
        .split('\n')
        .find((l) => l.startsWith('type=PROCTITLE'));
      expect(parseOne(title).fields.proctitle).toBe(
        'vim\0/etc/audit/rules.d/audit.rules',
      );
    });

    it('decodes several keys joined by 0x01', () => {
      const text = corpus(
        'go-libaudit__aucoalesce_ubuntu-17.04-linux-4.10.0.extracted.log',
      );
      const line = text
        .split('\n')
        .find((l) => l.includes('65786563013634626974'));
      expect(parseOne(line).fields.key).toBe('exec\x0164bit');
    });

    it('keeps quoted values and other fields as they are', () => {
      const text = corpus('go-libaudit__auparse_testdata_test3.log');
      const line = text.split('\n').find((l) => l.includes('a2="3005"'));
      const record = parseOne(line);
      expect(record.fields.a2).toBe('3005');
      const [syscall] = linesOf(corpus('go-libaudit__testdata_normal.log'), 59);
      expect(parseOne(syscall).fields.a0).toBe('1522170');
    });
  });

  describe('when one field is asked for before the others', () => {
    it('gives what the full parse gives, for every field of every record', () => {
      const logs = readdirSync(CORPUS_DIR)
        .filter((name) => name.endsWith('.log') || name.endsWith('.txt'))
        .map((name) => corpus(name));
      logs.push(fixture('debian12-linux6.18-enriched.log'));
      // Forged lines too: a quoted value holding " key=", a field twice.
      logs.push(
        'type=SYSCALL msg=audit(1.000:1): comm="a key=x" key="real"\n' +
          'type=SYSCALL msg=audit(1.000:2): key=(null) key="second" bare\n' +
          "type=SYSCALL msg=audit(1.000:3): x='a b' key=y\n" +
          'type=SYSCALL msg=audit(1.000:4): a=b="c d" key=z\n' +
          'type=SYSCALL msg=audit(1.000:5): x="abc key=v\n' +
          'type=SYSCALL msg=audit(1.000:6):key=tight x="" key=late\n' +
          'type=SYSCALL msg=audit(1.000:7): x="a"key=glued key=6B6579 k=\n',
      );
      let compared = 0;
      for (const line of logs.join('\n').split('\n')) {
        let record;
        try {
          record = parseRecord(line);
        } catch {
          continue; // not a record: no fields to compare
        }
        if (record === undefined) continue;
        const names = Object.keys(parseRecord(line)!.fields);
        for (const name of [...names, 'key', 'absent']) {
          const alone = parseRecord(line)!.field(name);
          expect(alone, `${name} in ${line}`).toBe(record.fields[name]);
          expect(record.field(name)).toBe(record.fields[name]);
          compared += 1;
        }
      }
      expect(compared).toBeGreaterThan(5_000); // 9,273 with the corpus of today
      const forged = parseRecord(
        'type=SYSCALL msg=audit(1.000:1): comm="a key=x" key="real"',
      )!;
      expect(forged.field('key')).toBe('real');
      expect(forged.field('comm')).toBe('a key=x');
    });
  });

  describe('when a name is (null)', () => {
    it('gives null', () => {
      const text = corpus(
        'go-libaudit__aucoalesce_ubuntu-16.04-linux-4.13.0.extracted.log',
      );
      const line = text.split('\n').find((l) => l.includes('name=(null)'));
      expect(parseOne(line).fields.name).toBeNull();
    });
  });

  describe('when a line is not a record', () => {
    it('throws VIGIL_AUDIT_RECORD_MALFORMED, never a raw error', () => {
      const text = corpus('go-libaudit__auparse_testdata_audit-rhel7.log');
      const unknown = text.split('\n').find((l) => l.includes('UNKNOWN[1329]'));
      for (const line of [
        unknown,
        'garbage',
        'type=SYSCALL msg=audit(12:3',
        'type=PATH msg=audit(1.5:3): x',
      ]) {
        expect(() => parseRecord(line ?? '')).toThrow(
          expect.objectContaining({ code: 'VIGIL_AUDIT_RECORD_MALFORMED' }),
        );
      }
    });

    it('parses every corpus line or rejects it with an AuditError', () => {
      let parsed = 0;
      for (const name of readdirSync(CORPUS_DIR)) {
        if (name.endsWith('.md') || name.endsWith('.yaml')) continue;
        for (const line of corpus(name).split('\n')) {
          try {
            if (parseRecord(line) !== undefined) parsed += 1;
          } catch (error) {
            expect(error).toBeInstanceOf(AuditError);
          }
        }
      }
      expect(parsed).toBeGreaterThan(600);
    });
  });
});

describe("parseRecord on this machine's log", () => {
  describe('when a name is non-ASCII or holds a space', () => {
    it('decodes it as UTF-8', () => {
      const names = fixture('debian12-linux6.18-enriched.log')
        .split('\n')
        .filter((l) => l.startsWith('type=PATH'))
        .map((l) => parseOne(l).fields.name);
      expect(names).toContain('/tmp/vigil-fixture/données/é.txt');
      expect(names).toContain('/tmp/vigil-fixture/new file');
    });
  });

  describe('when the line is blank', () => {
    it('gives undefined', () => {
      expect(parseRecord('')).toBeUndefined();
      expect(parseRecord('   ')).toBeUndefined();
    });
  });
});
