import { readFileSync, statSync } from 'node:fs';
import { AUID_UNSET, type UserInfo } from '../../protocol/event.js';

export interface UserDbFiles {
  passwd: string;
  group: string;
}

export const SYSTEM_USER_FILES: UserDbFiles = {
  passwd: '/etc/passwd',
  group: '/etc/group',
};

/** Known names are re-checked against the files at most this often. */
export const USER_DB_RECHECK_MS = 5_000;

/** The uids of one audit SYSCALL record. */
export interface AuditIds {
  uid: number;
  auid: number;
  euid: number;
}

interface Tables {
  users: Map<number, { name: string; gid: number }>;
  groupNames: Map<number, string>;
  memberOf: Map<string, string[]>;
}

/**
 * Names of users and groups from passwd and group files, cached. The files
 * are read again when a uid is unknown (users are added while the agent
 * runs) or every USER_DB_RECHECK_MS, but only if they changed on disk.
 */
export class UserDb {
  private tables: Tables = emptyTables();
  private signature = '';
  private checkedAtMs = -Infinity;
  /** When each unknown uid last sent us to the files. */
  private readonly missedAtMs = new Map<number, number>();

  constructor(private readonly files: UserDbFiles = SYSTEM_USER_FILES) {}

  /** The user block of an event for these uids. */
  describe(ids: AuditIds, nowMs = Date.now()): UserInfo {
    const stale = nowMs - this.checkedAtMs >= USER_DB_RECHECK_MS;
    const unknown = [ids.uid, ids.euid, ids.auid].some((id) =>
      this.newlyMissed(id, nowMs),
    );
    if (stale || unknown) this.reloadIfChanged(nowMs);
    const person = ids.auid === AUID_UNSET ? ids.uid : ids.auid;
    return {
      login: ids.auid === AUID_UNSET ? 'unset' : this.nameOf(ids.auid),
      name: this.nameOf(ids.uid),
      uid: ids.uid,
      auid: ids.auid,
      effective: this.nameOf(ids.euid),
      euid: ids.euid,
      groups: this.groupsOf(person),
    };
  }

  // A uid not in the files sends us there at once, then once per recheck
  // period, so a busy unknown uid does not stat the files on every event.
  private newlyMissed(id: number, nowMs: number): boolean {
    if (id === AUID_UNSET || this.tables.users.has(id)) return false;
    const last = this.missedAtMs.get(id);
    if (last !== undefined && nowMs - last < USER_DB_RECHECK_MS) return false;
    this.missedAtMs.set(id, nowMs);
    return true;
  }

  private nameOf(uid: number): string {
    return this.tables.users.get(uid)?.name ?? String(uid);
  }

  private groupsOf(uid: number): string[] {
    const user = this.tables.users.get(uid);
    if (user === undefined) return [];
    const names = new Set(this.tables.memberOf.get(user.name) ?? []);
    const primary = this.tables.groupNames.get(user.gid);
    if (primary !== undefined) names.add(primary);
    return [...names].sort();
  }

  private reloadIfChanged(nowMs: number): void {
    this.checkedAtMs = nowMs;
    const signature = fileSignature(this.files);
    if (signature === this.signature) return;
    this.signature = signature;
    this.tables = loadTables(this.files);
  }
}

function fileSignature(files: UserDbFiles): string {
  return [files.passwd, files.group]
    .map((file) => {
      try {
        const st = statSync(file);
        return `${st.ino}:${st.size}:${st.mtimeMs}`;
      } catch {
        return 'missing';
      }
    })
    .join('|');
}

function loadTables(files: UserDbFiles): Tables {
  const tables = emptyTables();
  for (const cols of readColumns(files.passwd)) {
    const uid = toId(cols[2]);
    const gid = toId(cols[3]);
    const name = cols[0];
    if (name && uid !== undefined && gid !== undefined) {
      if (!tables.users.has(uid)) tables.users.set(uid, { name, gid });
    }
  }
  for (const cols of readColumns(files.group)) {
    const name = cols[0];
    const gid = toId(cols[2]);
    if (!name || gid === undefined) continue;
    if (!tables.groupNames.has(gid)) tables.groupNames.set(gid, name);
    for (const member of (cols[3] ?? '').split(',').filter(Boolean)) {
      const list = tables.memberOf.get(member) ?? [];
      list.push(name);
      tables.memberOf.set(member, list);
    }
  }
  return tables;
}

function readColumns(file: string): string[][] {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    return []; // no file, no names: events carry the numbers instead
  }
  return text
    .split('\n')
    .filter((line) => line !== '' && !line.startsWith('#'))
    .map((line) => line.split(':'));
}

function toId(text: string | undefined): number | undefined {
  if (text === undefined || !/^\d{1,10}$/.test(text)) return undefined;
  return Number(text);
}

function emptyTables(): Tables {
  return { users: new Map(), groupNames: new Map(), memberOf: new Map() };
}
