import { describe, expect, it } from 'vitest';
import {
  Correlator,
  type AuditGroup,
} from '../../../agent/audit/correlator.js';
import { parseRecord } from '../../../agent/audit/parse-record.js';
import { corpus, fixture, HAVE_CORPUS } from './helpers.js';

const FLUSH_MS = 500;

function correlate(text: string, flushMs = FLUSH_MS) {
  const groups: AuditGroup[] = [];
  const correlator = new Correlator((g) => groups.push(g), { flushMs });
  let offset = 0;
  for (const line of text.split('\n')) {
    const record = parseRecord(line);
    if (record !== undefined) correlator.push(record, offset, 0);
    offset += Buffer.byteLength(line) + 1;
  }
  return { groups, correlator };
}

function types(group: AuditGroup | undefined): string[] {
  return group?.records.map((r) => r.type) ?? [];
}

function bySerial(groups: AuditGroup[], serial: number) {
  return groups.find((g) => g.serial === serial);
}

describe("Correlator told which events are another rule's", () => {
  const line = (serial: number, type: string, rest: string) =>
    parseRecord(`type=${type} msg=audit(1700000000.000:${serial}): ${rest}`)!;

  describe("when a group's first SYSCALL record is under another key", () => {
    it('lets its records go, those before the SYSCALL too, and hands it on as foreign', () => {
      const groups: AuditGroup[] = [];
      const asked: string[] = [];
      const correlator = new Correlator((g) => groups.push(g), {
        flushMs: FLUSH_MS,
        isForeign: (syscall) => {
          asked.push(syscall.eventKey);
          return syscall.field('key') !== 'mine';
        },
      });
      correlator.push(line(1, 'CWD', 'cwd="/"'), 0, 0);
      correlator.push(line(1, 'SYSCALL', 'syscall=2 key="other"'), 10, 0);
      correlator.push(line(1, 'PATH', 'item=0 name="/a"'), 20, 0);
      correlator.push(line(2, 'SYSCALL', 'syscall=2 key="mine"'), 30, 0);
      correlator.push(line(2, 'SYSCALL', 'syscall=2 key="other"'), 40, 0);
      correlator.push(line(2, 'PATH', 'item=0 name="/b"'), 50, 0);
      correlator.flushAll();
      const [foreign, ours] = groups;
      expect(foreign).toMatchObject({ serial: 1, foreign: true, records: [] });
      expect([foreign?.firstOffset, foreign?.lastOffset]).toEqual([0, 20]);
      expect(ours?.foreign).toBe(false);
      expect(types(ours)).toEqual(['SYSCALL', 'SYSCALL', 'PATH']);
      // Only the first SYSCALL record of a group decides.
      expect(asked).toEqual(['1700000000.000:1', '1700000000.000:2']);
    });
  });
});

describe.skipIf(!HAVE_CORPUS)('Correlator on corpus logs', () => {
  describe('when records of different events are interleaved', () => {
    it('groups each event whole (go-libaudit out_of_order)', () => {
      const { groups, correlator } = correlate(
        corpus('go-libaudit__testdata_out_of_order.log'),
      );
      correlator.flushAll();
      expect(groups.map((g) => g.serial).sort()).toEqual([58, 59, 60, 61, 62]);
      expect(types(bySerial(groups, 60))).toEqual([
        'SYSCALL',
        'EXECVE',
        'CWD',
        'PATH',
        'PATH',
      ]);
      expect(types(bySerial(groups, 61))).toEqual([
        'SYSCALL',
        'SOCKADDR',
        'CWD',
        'PATH',
      ]);
    });

    it('groups two processes by serial and node (auparse test3)', () => {
      const { groups, correlator } = correlate(
        corpus('audit-userspace__auparse_test_test3.log'),
      );
      correlator.flushAll();
      const g = bySerial(groups, 194433);
      expect(types(g)).toEqual(['SYSCALL', 'PROCTITLE']);
      expect(g?.node).toBe('auditdtest.a1959.org');
      expect(groups.filter((x) => x.serial === 194436)).toHaveLength(1);
    });
  });

  describe('when the serial wraps around', () => {
    it('keeps 4294967295 and 0 apart (go-libaudit rollover)', () => {
      const { groups, correlator } = correlate(
        corpus('go-libaudit__testdata_rollover.log'),
      );
      correlator.flushAll();
      expect(groups.map((g) => g.serial)).toEqual([
        4294967294, 4294967295, 0, 1, 2,
      ]);
    });
  });

  describe('when EOE records end the events', () => {
    it('hands each group on at its EOE, before the input ends', () => {
      const { groups, correlator } = correlate(
        corpus('laurel__record-syscall-key.txt'),
      );
      expect(groups.map((g) => g.serial)).toEqual([2365, 2366, 2367]);
      expect(correlator.pendingCount).toBe(0);
    });
  });
});

describe('Correlator without EOE records', () => {
  const log = fixture('debian12-linux6.18-enriched.log');

  describe('when records keep coming without EOE', () => {
    it('holds the groups open and knows where the oldest starts', () => {
      const { groups, correlator } = correlate(log);
      expect(groups).toHaveLength(0);
      expect(correlator.pendingCount).toBe(31);
      expect(correlator.oldestPendingOffset()).toBe(0);
    });
  });

  describe('when the input ends', () => {
    it('hands on whatever is open', () => {
      const { groups, correlator } = correlate(log);
      correlator.flushAll();
      expect(groups.at(-1)?.serial).toBe(97);
      expect(types(groups.at(-1))).toEqual([
        'CONFIG_CHANGE',
        'SYSCALL',
        'SOCKADDR',
        'PROCTITLE',
      ]);
      expect(correlator.oldestPendingOffset()).toBeUndefined();
    });
  });

  describe('when nothing arrives for flushMs of wall time', () => {
    it('hands the idle group on', () => {
      const groups: AuditGroup[] = [];
      const correlator = new Correlator((g) => groups.push(g), {
        flushMs: FLUSH_MS,
      });
      const line = log.split('\n').find((l) => l.includes(':68):'));
      correlator.push(parseRecord(line ?? '')!, 0, 1_000);
      correlator.flushIdle(1_000 + FLUSH_MS - 1);
      expect(groups).toHaveLength(0);
      correlator.flushIdle(1_000 + FLUSH_MS);
      expect(groups.map((g) => g.serial)).toEqual([68]);
    });
  });

  describe('when a burst of groups has been handed on by time', () => {
    it('keeps only the keys of groups still open, and none at the end', () => {
      const correlator = new Correlator(() => undefined, {
        flushMs: FLUSH_MS,
      });
      const line = log.split('\n').find((l) => l.includes(':68):')) ?? '';
      const at = (serial: number) =>
        parseRecord(line.replace(':68):', `:${serial}):`))!;
      for (let serial = 1; serial <= 3_000; serial += 1) {
        correlator.push(at(serial), 0, serial < 2_000 ? 0 : 1_000);
      }
      correlator.flushIdle(FLUSH_MS); // the first 1,999 are idle by then
      expect(correlator.pendingCount).toBe(1_001);
      expect(correlator.orderedKeys).toBe(1_001);
      correlator.flushIdle(1_000 + FLUSH_MS);
      expect(correlator.pendingCount).toBe(0);
      expect(correlator.orderedKeys).toBe(0);
    });
  });

  describe('when too many groups stay open', () => {
    it('hands the oldest on early', () => {
      const groups: AuditGroup[] = [];
      const correlator = new Correlator((g) => groups.push(g), {
        flushMs: 60_000,
        maxPending: 2,
      });
      for (const serial of [68, 69, 70]) {
        const line = log.split('\n').find((l) => l.includes(`:${serial}):`));
        correlator.push(parseRecord(line ?? '')!, 0, 0);
      }
      expect(groups.map((g) => g.serial)).toEqual([68]);
    });
  });
});
