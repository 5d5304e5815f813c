import type { AccessAction, Outcome } from '../../protocol/event.js';
import type { AuditRecord } from './parse-record.js';
import type { PathItem } from './path-items.js';
import type { SyscallInfo } from './syscalls.js';

// open(2) flags, the same on x86_64 and the generic table arm64 uses.
const O_ACCMODE = 0o3;
const O_CREAT = 0o100;
const EACCES = '-13';
/** No such file or directory: the name reached nothing. */
export const ENOENT = '-2';
/** No such extended attribute (getxattr on a file without it). */
export const ENODATA = '-61';
const EPERM = '-1';

/** success, denied (EACCES or EPERM) or failed (any other error). */
export function outcomeOf(f: AuditRecord['fields']): Outcome {
  if (f.success === 'yes') return 'success';
  return f.exit === EACCES || f.exit === EPERM ? 'denied' : 'failed';
}

/** The access a syscall made, from its number, open flags and PATH items. */
export function actionOf(
  info: SyscallInfo,
  f: AuditRecord['fields'],
  items: readonly PathItem[],
  outcome: Outcome,
): AccessAction {
  const created = items.some((i) => i.nametype === 'CREATE');
  switch (info.kind) {
    case 'creat':
      return created || outcome !== 'success' ? 'create' : 'write';
    case 'openat2':
      // Its flags sit in user memory the log never shows: assume the
      // stronger access so that a policy on writes still sees it.
      return created ? 'create' : 'write';
    case 'open': {
      const flags = parseInt(f[info.flagsArg ?? 'a1'] ?? '0', 16) || 0;
      const parentOnly = items.every((i) => i.nametype === 'PARENT');
      if (created || (flags & O_CREAT && parentOnly)) return 'create';
      return (flags & O_ACCMODE) === 0 ? 'read' : 'write';
    }
    default:
      return info.kind;
  }
}
