import { describe, expect, it } from 'vitest';
import { syscallInfo } from '../../../agent/audit/syscalls.js';
import { corpus, eventsOf, HAVE_CORPUS, linesOf } from './helpers.js';

const UBUNTU_17 =
  'go-libaudit__aucoalesce_ubuntu-17.04-linux-4.10.0.extracted.log';
const UBUNTU_16 =
  'go-libaudit__aucoalesce_ubuntu-16.04-linux-4.13.0.extracted.log';
const UBUNTU_24 =
  'go-libaudit__aucoalesce_ubuntu-24.04-linux-6.8.0.extracted.log';

/** Corpus groups logged without a key, given one so they count as ours. */
function withKey(lines: string[], key: string): string[] {
  return lines.map((l) => l.replace('key=(null)', `key="${key}"`));
}

describe.skipIf(!HAVE_CORPUS)('groupToEvent on corpus logs', () => {
  describe('when vim renames a file (PARENT, PARENT, DELETE, CREATE)', () => {
    it('gives one rename event with path and target', () => {
      const { events } = eventsOf(
        linesOf(corpus(UBUNTU_17), 126),
        'auditconfig',
      );
      expect(events).toHaveLength(1);
      expect(events[0]).toMatchObject({
        time: '2017-04-25T13:05:24.089Z',
        source: 'audit',
        action: 'rename',
        outcome: 'success',
        path: '/etc/audit/rules.d/audit.rules',
        target: '/etc/audit/rules.d/audit.rules~',
        process: {
          pid: 3231,
          ppid: 3207,
          exe: '/usr/bin/vim.basic',
          name: 'vim',
          cmdline: 'vim /etc/audit/rules.d/audit.rules',
        },
        file: { inode: 271112, mode: '0100640', owner: 0 },
        audit: { serial: 126, syscall: 'rename', key: 'auditconfig' },
      });
    });

    it('names the person behind sudo by the login uid', () => {
      const { events } = eventsOf(
        linesOf(corpus(UBUNTU_17), 126),
        'auditconfig',
      );
      expect(events[0]?.user).toEqual({
        login: 'vigil-fix',
        name: 'root',
        uid: 0,
        auid: 1001,
        effective: 'root',
        euid: 0,
        groups: ['analysts', 'vigil-fix'],
      });
    });
  });

  describe('when a file is unlinked', () => {
    it('gives a delete event for the DELETE item', () => {
      const { events } = eventsOf(
        linesOf(corpus(UBUNTU_17), 624),
        'auditconfig',
      );
      expect(events[0]).toMatchObject({
        action: 'delete',
        path: '/etc/audit/rules.d/.audit.rules.swp',
      });
    });

    it('passes over a PARENT item named (null)', () => {
      const lines = withKey(linesOf(corpus(UBUNTU_16), 162937), 't');
      const { events } = eventsOf(lines, 't');
      expect(events[0]).toMatchObject({
        action: 'delete',
        path: '/var/lib/apt/lists/partial/.apt-acquire-privs-test.zW4jyj',
        user: { login: 'unset', name: 'root', effective: '100' },
      });
    });
  });

  describe('when the login uid is unset', () => {
    it('says "unset", never "root"', () => {
      const lines = withKey(linesOf(corpus(UBUNTU_16), 162937), 't');
      const user = eventsOf(lines, 't').events[0]?.user;
      expect(user?.login).toBe('unset');
      expect(user?.auid).toBe(4294967295);
      expect(user?.groups).toEqual(['root']);
    });
  });

  describe('when an open is refused with EACCES and the name is relative', () => {
    it('gives a denied read resolved against the CWD', () => {
      const text = corpus('audit-userspace__auparse_test_test.log');
      const { events } = eventsOf(withKey(linesOf(text, 293), 't'), 't');
      expect(events[0]).toMatchObject({
        action: 'read',
        outcome: 'denied',
        path: '/var/spool/postfix/maildrop',
        user: { name: '890', uid: 890 },
      });
    });
  });

  describe('when the record is ENRICHED with EOE (laurel)', () => {
    it('gives an exec event for the program', () => {
      const text = corpus('laurel__tree_00.txt');
      const { events } = eventsOf(text, 'software_mgmt');
      expect(events[0]).toMatchObject({
        action: 'exec',
        outcome: 'success',
        path: '/usr/bin/apt-get',
        user: { login: 'user', name: 'root' },
        process: { name: 'apt-get', exe: '/usr/bin/apt-get' },
        audit: { syscall: 'execve', key: 'software_mgmt' },
      });
    });
  });

  describe('when the event carries several keys', () => {
    it('belongs to each of them and to no other', () => {
      const lines = linesOf(corpus(UBUNTU_17), 124507);
      expect(eventsOf(lines, 'exec').events).toHaveLength(1);
      expect(eventsOf(lines, '64bit').events).toHaveLength(1);
      expect(eventsOf(lines, 'exe').events).toHaveLength(0);
    });
  });

  describe("when the key is not the sensor's", () => {
    it('gives nothing and counts nothing as skipped', () => {
      const { events, pipeline } = eventsOf(corpus(UBUNTU_17), 'vigil');
      expect(events).toHaveLength(0);
      expect(pipeline.stats.skipped).toBe(0);
    });
  });

  describe('when the syscall is no file access', () => {
    it('skips the group and counts it', () => {
      const text = corpus('go-libaudit__testdata_normal.log');
      const { events, pipeline } = eventsOf(
        withKey(linesOf(text, 61), 't'),
        't',
      );
      expect(events).toHaveLength(0);
      expect(pipeline.stats.skipped).toBe(1);
    });
  });

  describe('when the machine is aarch64', () => {
    it('reads its syscall numbers', () => {
      expect(syscallInfo('c00000b7', 37)?.name).toBe('linkat');
      expect(syscallInfo('c00000b7', 56)?.name).toBe('openat');
      expect(syscallInfo('c000003e', 257)?.name).toBe('openat');
    });

    it('gives no event for a linkat whose PATH record is absent', () => {
      // The sample keeps the SYSCALL alone; it counts items=1.
      const { events, pipeline } = eventsOf(
        corpus(UBUNTU_24),
        'syscalls_link_operations',
      );
      expect(events).toHaveLength(0);
      expect(pipeline.stats.malformed).toBe(1);
    });
  });

  describe('when a malformed line sits among the records', () => {
    it('counts it and still builds the event', () => {
      const lines = linesOf(corpus(UBUNTU_17), 126);
      lines.splice(2, 0, 'type=PATH msg=audit(garbage');
      const { events, pipeline } = eventsOf(lines, 'auditconfig');
      expect(pipeline.stats.malformed).toBe(1);
      expect(events[0]?.target).toBe('/etc/audit/rules.d/audit.rules~');
    });
  });

  describe('when a SYSCALL record of ours lacks its uid', () => {
    it('counts the group as malformed instead of throwing', () => {
      const lines = linesOf(corpus(UBUNTU_17), 126).map((l) =>
        l.replace(' uid=0 ', ' '),
      );
      const { events, pipeline } = eventsOf(lines, 'auditconfig');
      expect(events).toHaveLength(0);
      expect(pipeline.stats.malformed).toBe(1);
    });
  });
});

describe('groupToEvent when a syscall reached nothing', () => {
  // Shaped after records this machine's auditd wrote for a denied `rm -f`
  // (Debian 12, kernel 6.18), with the exit code and syscall varied.
  const group = (serial: number, syscall: number, exit: number) => [
    `type=SYSCALL msg=audit(1796398333.418:${serial}): arch=c000003e syscall=${syscall} success=no exit=${exit} a0=ffffff9c a1=5641d9de6bf0 a2=0 a3=0 items=2 ppid=2911 pid=2919 auid=4294967295 uid=0 gid=0 euid=0 suid=0 fsuid=0 egid=0 sgid=0 fsgid=0 tty=(none) ses=4294967295 comm="rm" exe="/usr/bin/rm" key="vigil"`,
    `type=CWD msg=audit(1796398333.418:${serial}): cwd="/srv/data"`,
    `type=PATH msg=audit(1796398333.418:${serial}): item=0 name="/srv/data/" inode=2146474 dev=fe:00 mode=040755 ouid=0 ogid=0 rdev=00:00 nametype=PARENT cap_fp=0 cap_fi=0 cap_fe=0 cap_fver=0 cap_frootid=0`,
    `type=PATH msg=audit(1796398333.418:${serial}): item=1 name="/srv/data/missing.csv" inode=2210932 dev=fe:00 mode=0100644 ouid=0 ogid=0 rdev=00:00 nametype=DELETE cap_fp=0 cap_fi=0 cap_fe=0 cap_fver=0 cap_frootid=0`,
    `type=PROCTITLE msg=audit(1796398333.418:${serial}): proctitle=726D002D66006D697373696E672E637376`,
  ];

  it('reports no access for a name that did not exist (ENOENT)', () => {
    const { events, pipeline } = eventsOf(group(5, 263, -2), 'vigil');
    expect(events).toEqual([]);
    expect(pipeline.stats.skipped).toBe(1);
  });

  it('reports no access for an extended attribute that is not there (ENODATA)', () => {
    const { events } = eventsOf(group(6, 192, -61), 'vigil');
    expect(events).toEqual([]);
  });

  it('still reports a delete the OS refused (EACCES)', () => {
    const { events } = eventsOf(group(7, 263, -13), 'vigil');
    expect(events.map((e) => [e.action, e.outcome])).toEqual([
      ['delete', 'denied'],
    ]);
  });
});
