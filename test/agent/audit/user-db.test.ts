import { mkdtempSync, renameSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { USER_DB_RECHECK_MS, UserDb } from '../../../agent/audit/user-db.js';

const UNSET = 4294967295;

function files() {
  const dir = mkdtempSync(join(tmpdir(), 'vigil-userdb-'));
  const passwd = join(dir, 'passwd');
  const group = join(dir, 'group');
  writeFileSync(
    passwd,
    'root:x:0:0::/root:/bin/sh\nalice:x:1500:1500::/:/bin/sh\n',
  );
  writeFileSync(group, 'root:x:0:\nalice:x:1500:\nanalysts:x:3000:alice,bob\n');
  return { dir, passwd, group };
}

describe('UserDb', () => {
  describe('when a login uid is set', () => {
    it('names the person, the real and the effective user', () => {
      const db = new UserDb(files());
      expect(db.describe({ uid: 0, auid: 1500, euid: 0 })).toEqual({
        login: 'alice',
        name: 'root',
        uid: 0,
        auid: 1500,
        effective: 'root',
        euid: 0,
        groups: ['alice', 'analysts'],
      });
    });
  });

  describe('when the login uid is unset', () => {
    it('says "unset" and takes groups from the real uid', () => {
      const db = new UserDb(files());
      const user = db.describe({ uid: 1500, auid: UNSET, euid: 1500 });
      expect(user.login).toBe('unset');
      expect(user.groups).toEqual(['alice', 'analysts']);
    });
  });

  describe('when a uid is unknown', () => {
    it('gives the number as a string and no groups', () => {
      const db = new UserDb(files());
      const user = db.describe({ uid: 4242, auid: 4242, euid: 4242 });
      expect(user).toMatchObject({ login: '4242', name: '4242', groups: [] });
    });

    it('reads the files again and finds a user added since', () => {
      const f = files();
      const db = new UserDb(f);
      expect(db.describe({ uid: 0, auid: UNSET, euid: 0 }, 0).name).toBe(
        'root',
      );
      // useradd replaces the file by rename, as here
      writeFileSync(`${f.passwd}+`, 'bob:x:1600:1500::/:/bin/sh\n');
      renameSync(`${f.passwd}+`, f.passwd);
      const user = db.describe({ uid: 1600, auid: UNSET, euid: 1600 }, 1);
      expect(user.name).toBe('bob');
      expect(user.groups).toEqual(['alice', 'analysts']);
    });

    it('looks again for a uid it missed only after the recheck period', () => {
      const f = files();
      const db = new UserDb(f);
      const ids = { uid: 1600, auid: UNSET, euid: 1600 };
      expect(db.describe(ids, 0).name).toBe('1600');
      writeFileSync(`${f.passwd}+`, 'bob:x:1600:1500::/:/bin/sh\n');
      renameSync(`${f.passwd}+`, f.passwd);
      expect(db.describe(ids, 10).name).toBe('1600');
      expect(db.describe(ids, USER_DB_RECHECK_MS).name).toBe('bob');
    });
  });

  describe('when the files are missing', () => {
    it('falls back to numbers', () => {
      const db = new UserDb({
        passwd: '/nonexistent/p',
        group: '/nonexistent/g',
      });
      expect(db.describe({ uid: 0, auid: UNSET, euid: 0 }).name).toBe('0');
    });
  });
});
