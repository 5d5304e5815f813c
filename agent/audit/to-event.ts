import type {
  AccessAction,
  CapturedEvent,
  Outcome,
} from '../../protocol/event.js';
import { actionOf, ENODATA, ENOENT, outcomeOf } from './classify.js';
import type { AuditGroup } from './correlator.js';
import { AuditError } from './errors.js';
import type { AuditRecord } from './parse-record.js';
import type { PathCache } from './path-cache.js';
import { pathItems, pickItems, type PathItem } from './path-items.js';
import {
  learnPaths,
  resolveItem,
  resolveLinkText,
  type ResolveContext,
} from './resolve-path.js';
import { syscallInfo, type SyscallInfo } from './syscalls.js';
import type { UserDb } from './user-db.js';
import type { WatchedRoots } from './watched-roots.js';

export interface EventContext {
  /** The sensor's rule key; groups under other keys are not Vigil's. */
  key: string;
  users: UserDb;
  paths: PathCache;
  /** When known, names outside them are traced to the watched path. */
  roots?: WatchedRoots;
}

/** What became of one group: an event, not ours, or ours but unusable. */
export type GroupResult =
  | { status: 'event'; event: CapturedEvent }
  | { status: 'foreign' }
  | { status: 'skipped'; reason: string };

/** The kernel joins several rule keys of one event with this byte. */
const KEY_SEPARATOR = '\x01';
const AT_FDCWD = /^(?:ffffffff)?ffffff9c$/i;

/** Whether a SYSCALL record's rule keys include `key`. */
export function isUnderKey(syscall: AuditRecord, key: string): boolean {
  const keys = syscall.field('key')?.split(KEY_SEPARATOR) ?? [];
  return keys.includes(key);
}

/**
 * Turns SYSCALL + CWD + PATH + PROCTITLE records into one access event.
 * Throws AuditError VIGIL_AUDIT_EVENT_INCOMPLETE when a record of ours lacks
 * a field every kernel writes.
 */
export function groupToEvent(
  group: AuditGroup,
  ctx: EventContext,
): GroupResult {
  const syscall = group.records.find((r) => r.type === 'SYSCALL');
  if (syscall === undefined || !isUnderKey(syscall, ctx.key)) {
    return { status: 'foreign' };
  }
  const f = syscall.fields;
  const info = syscallInfo(f.arch ?? '', requireId(f, 'syscall'));
  if (info === undefined) {
    return {
      status: 'skipped',
      reason: `syscall ${f.syscall} not a file access`,
    };
  }
  const outcome = outcomeOf(f);
  // The name did not exist, or the attribute asked for is not there:
  // nothing was reached, so there is no access to report.
  if (f.exit === ENOENT || f.exit === ENODATA) {
    return { status: 'skipped', reason: `syscall ${f.syscall} found nothing` };
  }
  const items = pathItems(group.records);
  requireAllItems(f, items.length);
  const action = actionOf(info, f, items, outcome);
  const resolve = resolveContext(group.records, items, info, f, ctx.paths);
  const located = locate(action, info, items, resolve, outcome);
  if (ctx.roots !== undefined) reachWatched(located, ctx.roots, ctx.paths);
  if (located.path === undefined) {
    return { status: 'skipped', reason: 'no path could be named' };
  }
  const event: CapturedEvent = {
    time: new Date(group.timeMs).toISOString(),
    source: 'audit',
    action,
    outcome,
    path: located.path,
    ...(located.target === undefined ? {} : { target: located.target }),
    ...(located.via === undefined ? {} : { via: located.via }),
    user: ctx.users.describe({
      uid: requireId(f, 'uid'),
      auid: requireId(f, 'auid'),
      euid: requireId(f, 'euid'),
    }),
    process: {
      pid: requireId(f, 'pid'),
      ppid: requireId(f, 'ppid'),
      exe: f.exe ?? '',
      name: f.comm ?? '',
      cmdline: cmdlineOf(group.records, f.comm ?? ''),
    },
    ...fileOf(located.item),
    audit: { serial: group.serial, syscall: info.name, key: ctx.key },
  };
  return { status: 'event', event };
}

function resolveContext(
  records: readonly AuditRecord[],
  items: readonly PathItem[],
  info: SyscallInfo,
  f: AuditRecord['fields'],
  cache: PathCache,
): ResolveContext {
  const cwd = records.find((r) => r.type === 'CWD')?.fields.cwd;
  const relative = items.some(
    (i) => i.name !== null && !i.name.startsWith('/'),
  );
  if (cwd === undefined || cwd === null || !cwd.startsWith('/')) {
    if (relative) {
      throw new AuditError(
        'VIGIL_AUDIT_EVENT_INCOMPLETE',
        'CWD record missing or not absolute for a relative name',
      );
    }
    return { cwd: '/', viaDirfd: false, cache }; // every name is absolute
  }
  const viaDirfd = (info.dirfdArgs ?? []).some(
    (arg) => !AT_FDCWD.test(f[arg] ?? ''),
  );
  return { cwd, viaDirfd, cache };
}

interface Located {
  path?: string;
  target?: string;
  via?: string;
  /** The PATH item the event's path comes from. */
  item?: PathItem;
}

function locate(
  action: AccessAction,
  info: SyscallInfo,
  items: readonly PathItem[],
  ctx: ResolveContext,
  outcome: Outcome,
): Located {
  const roles = pickItems(action, info.name, items);
  const resolved = new Map<PathItem, string>();
  const at = (item?: PathItem, parent?: PathItem) => {
    const path = item && resolveItem(item, parent, ctx);
    if (item !== undefined && path !== undefined) resolved.set(item, path);
    return path;
  };
  const target = at(roles.target, roles.targetParent);
  let path = at(roles.subject, roles.subjectParent);
  if (roles.subject?.nametype === 'UNKNOWN' && roles.subject.name !== null) {
    path = target && resolveLinkText(roles.subject.name, target);
  }
  const deleted = outcome === 'success' && action === 'delete';
  learnPaths(items, ctx, resolved, deleted);
  return { path, target, item: roles.subject };
}

// A name outside every root (a symlink, a hard link) that reached a watched
// file: the event names the watched path and keeps the name used as `via`.
function reachWatched(located: Located, roots: WatchedRoots, cache: PathCache) {
  const { path, target, item } = located;
  if (path === undefined || item === undefined || roots.contains(path)) return;
  if (target !== undefined && roots.contains(target)) return;
  const watched = roots.reach(path, item, cache);
  if (watched === undefined) return;
  located.via = path;
  located.path = watched;
  if (item.dev !== undefined && item.inode !== undefined) {
    cache.set(item.dev, item.inode, watched);
  }
}

function fileOf(item: PathItem | undefined): Pick<CapturedEvent, 'file'> {
  if (item?.inode === undefined) return {};
  const file: NonNullable<CapturedEvent['file']> = { inode: item.inode };
  if (item.mode !== undefined && /^[0-7]{1,8}$/.test(item.mode)) {
    file.mode = item.mode;
  }
  if (item.ouid !== undefined) file.owner = item.ouid;
  return { file };
}

function cmdlineOf(records: readonly AuditRecord[], comm: string): string {
  const title = records.find((r) => r.type === 'PROCTITLE')?.fields.proctitle;
  if (title === null || title === undefined) return comm;
  return title.replace(/\0/g, ' ').trimEnd();
}

// The kernel writes one PATH record per item it counted; fewer means some
// were dropped (the lost counter says so), and a guess would name the
// wrong file: a create whose CREATE item is gone would name its directory.
function requireAllItems(f: AuditRecord['fields'], found: number): void {
  const items = Number(f.items ?? '0');
  if (Number.isSafeInteger(items) && found < items) {
    throw new AuditError(
      'VIGIL_AUDIT_EVENT_INCOMPLETE',
      `SYSCALL record counts ${items} PATH records, ${found} arrived`,
    );
  }
}

function requireId(f: AuditRecord['fields'], field: string): number {
  const text = f[field];
  if (text === null || text === undefined || !/^\d{1,10}$/.test(text)) {
    throw new AuditError(
      'VIGIL_AUDIT_EVENT_INCOMPLETE',
      `SYSCALL record: field ${field} missing or not a number`,
    );
  }
  return Number(text);
}
