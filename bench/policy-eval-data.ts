import type {
  AccessAction,
  AccessEvent,
  ProcessInfo,
  UserInfo,
} from '../protocol/event.js';

/**
 * Policies that share each shared folder, so some paths are judged by
 * several policies, equally often whatever the number of policies.
 */
const POLICIES_PER_SHARED_DIR = 4;
const AGENTS = 50;
const VENDORS = 7;
const USERS = 200;
/** Share of events by a member of the folder's team. */
const MEMBER_SHARE = 0.85;
const ZONES = ['Asia/Shanghai', 'Europe/Berlin', 'America/New_York', 'UTC'];
const EXES = [
  '/usr/bin/cat',
  '/usr/bin/vim',
  '/usr/bin/python3.12',
  '/usr/bin/scp',
  '/opt/app-3/bin/report',
];
/** Actions weighted as an audit log of file work roughly is. */
const ACTIONS: AccessAction[] = [
  ...Array<AccessAction>(14).fill('read'),
  'write',
  'write',
  'write',
  'create',
  'rename',
  'delete',
];

/** A small, seeded generator (mulberry32), so every run sees the same data. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32;
  };
}

/** Shared folders in a set of `policies` generated policies. */
function sharedDirs(policies: number): number {
  return Math.ceil(policies / POLICIES_PER_SHARED_DIR);
}

/**
 * Policy `i` of a set of `count`: its own team folder and a shared one,
 * two allow rules (one with a schedule and an end date), two deny rules,
 * and on every other policy a limit.
 */
export function generatedPolicy(
  i: number,
  count: number,
): { file: string; text: string } {
  const zone = ZONES[i % ZONES.length] ?? 'UTC';
  const limit =
    i % 2 === 0
      ? 'limits:\n  - { name: bulk-read, actions: [read], max: 20, window: 1h, per: user }\n'
      : '';
  const text = `id: gen-${i}
severity: medium
paths: [/srv/data/team-${i}/**, /srv/data/shared/${i % sharedDirs(count)}/**]
except: ['**/*.tmp', '**/.~lock.*#']
vendors: [vendor-${i % VENDORS}, vendor-${(i + 1) % VENDORS}]
allow:
  - name: team-read
    groups: [team-${i}, analysts]
    actions: [read]
    schedule: { days: [mon, tue, wed, thu, fri], hours: '08:00-20:00', timezone: ${zone} }
    valid: { until: 2027-12-31 }
  - name: team-write
    groups: [team-${i}]
    processes: [/usr/bin/vim, /opt/app-${i % 10}/bin/*]
    actions: [write, create, rename]
deny:
  - name: no-deletes
    actions: [delete, truncate]
    severity: high
  - name: no-copy-tools
    processes: [/usr/bin/scp, /usr/bin/rsync, /usr/bin/curl]
${limit}`;
  return { file: `gen-${String(i).padStart(4, '0')}.yaml`, text };
}

/**
 * `size` events against a set of `policies` generated policies, in time
 * order over `spanMs` from `startMs`: 70% in a team folder, 20% in a
 * shared one, 10% outside every policy; one in twenty is a rename. Most
 * team folder accesses are by a member of the team, as in a real log
 * where most accesses are allowed.
 */
export function generatedEvents(
  size: number,
  policies: number,
  startMs: number,
  spanMs: number,
): AccessEvent[] {
  const random = seededRandom(policies);
  const pick = (n: number) => Math.floor(random() * n);
  const users = Array.from({ length: USERS }, (_, u) => person(u, policies));
  const members = new Map<number, UserInfo>();
  const memberOf = (team: number): UserInfo => {
    let member = members.get(team);
    if (member === undefined) {
      member = { ...person(team % USERS, policies), groups: [`team-${team}`] };
      members.set(team, member);
    }
    return member;
  };
  const processes = EXES.map(processOf);
  return Array.from({ length: size }, (_, i) => {
    const action = ACTIONS[pick(ACTIONS.length)] ?? 'read';
    const agent = pick(AGENTS);
    const team = pick(policies);
    const shared = pick(sharedDirs(policies));
    const path = pathOf(random(), team, shared, pick(1000));
    const user =
      random() < MEMBER_SHARE ? memberOf(team) : (users[pick(USERS)] ?? null);
    return {
      seq: i + 1,
      prev: '0'.repeat(64),
      time: new Date(startMs + Math.floor((i * spanMs) / size)).toISOString(),
      agent: {
        id: `agent-${agent}`,
        vendor: `vendor-${agent % VENDORS}`,
        host: `host-${agent}`,
      },
      source: 'audit',
      action,
      outcome: 'success',
      path,
      ...(action === 'rename' ? { target: `${path}.bak` } : {}),
      user,
      process: processes[pick(processes.length)] ?? null,
    };
  });
}

function pathOf(
  roll: number,
  team: number,
  shared: number,
  file: number,
): string {
  if (roll < 0.7) return `/srv/data/team-${team}/project/src/f-${file}.csv`;
  if (roll < 0.9) return `/srv/data/shared/${shared}/reports/q1-${file}.xlsx`;
  return `/home/user-${file}/notes/f-${file}.txt`;
}

function person(u: number, policies: number): UserInfo {
  const login = `user-${u}`;
  const groups = [login, `team-${u % policies}`];
  if (u % 3 === 0) groups.push('analysts');
  return {
    login,
    name: login,
    uid: 2000 + u,
    auid: 2000 + u,
    effective: login,
    euid: 2000 + u,
    groups,
  };
}

function processOf(exe: string, pid: number): ProcessInfo {
  const name = exe.slice(exe.lastIndexOf('/') + 1);
  return { pid: 4000 + pid, ppid: 1, exe, name, cmdline: name };
}
