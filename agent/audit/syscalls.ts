import type { AccessAction } from '../../protocol/event.js';

/** How a syscall's action is found: fixed, or from open flags and items. */
export type SyscallKind = AccessAction | 'open' | 'creat' | 'openat2';

export interface SyscallInfo {
  name: string;
  kind: SyscallKind;
  /** Argument holding the open flags (hex), for kind "open". */
  flagsArg?: 'a1' | 'a2';
  /** Arguments holding directory fds that relative names start from. */
  dirfdArgs?: readonly ('a0' | 'a1' | 'a2')[];
}

/** `arch=` values of the audit log (AUDIT_ARCH_X86_64, AUDIT_ARCH_AARCH64). */
export const ARCH_X86_64 = 'c000003e';
export const ARCH_AARCH64 = 'c00000b7';

const A0 = ['a0'] as const;

// Syscalls the perm=rwxa filter can report; utime* change file times, which
// a policy on writes should see, so they count as writes.
const BY_NAME: Record<string, Omit<SyscallInfo, 'name'>> = {
  open: { kind: 'open', flagsArg: 'a1' },
  openat: { kind: 'open', flagsArg: 'a2', dirfdArgs: A0 },
  openat2: { kind: 'openat2', dirfdArgs: A0 },
  creat: { kind: 'creat' },
  execve: { kind: 'exec' },
  execveat: { kind: 'exec', dirfdArgs: A0 },
  truncate: { kind: 'truncate' },
  ftruncate: { kind: 'truncate' },
  rename: { kind: 'rename' },
  renameat: { kind: 'rename', dirfdArgs: ['a0', 'a2'] },
  renameat2: { kind: 'rename', dirfdArgs: ['a0', 'a2'] },
  mkdir: { kind: 'create' },
  mkdirat: { kind: 'create', dirfdArgs: A0 },
  mknod: { kind: 'create' },
  mknodat: { kind: 'create', dirfdArgs: A0 },
  rmdir: { kind: 'delete' },
  unlink: { kind: 'delete' },
  unlinkat: { kind: 'delete', dirfdArgs: A0 },
  link: { kind: 'link' },
  linkat: { kind: 'link', dirfdArgs: ['a0', 'a2'] },
  symlink: { kind: 'link' },
  symlinkat: { kind: 'link', dirfdArgs: ['a1'] },
  readlink: { kind: 'read' },
  readlinkat: { kind: 'read', dirfdArgs: A0 },
  getxattr: { kind: 'read' },
  lgetxattr: { kind: 'read' },
  fgetxattr: { kind: 'read' },
  getxattrat: { kind: 'read', dirfdArgs: A0 },
  listxattr: { kind: 'read' },
  llistxattr: { kind: 'read' },
  flistxattr: { kind: 'read' },
  listxattrat: { kind: 'read', dirfdArgs: A0 },
  chmod: { kind: 'chmod' },
  fchmod: { kind: 'chmod' },
  fchmodat: { kind: 'chmod', dirfdArgs: A0 },
  fchmodat2: { kind: 'chmod', dirfdArgs: A0 },
  // Extended attributes carry ACLs and security labels: permission changes.
  setxattr: { kind: 'chmod' },
  lsetxattr: { kind: 'chmod' },
  fsetxattr: { kind: 'chmod' },
  setxattrat: { kind: 'chmod', dirfdArgs: A0 },
  removexattr: { kind: 'chmod' },
  lremovexattr: { kind: 'chmod' },
  fremovexattr: { kind: 'chmod' },
  removexattrat: { kind: 'chmod', dirfdArgs: A0 },
  chown: { kind: 'chown' },
  fchown: { kind: 'chown' },
  lchown: { kind: 'chown' },
  fchownat: { kind: 'chown', dirfdArgs: A0 },
  utime: { kind: 'write' },
  utimes: { kind: 'write' },
  futimesat: { kind: 'write', dirfdArgs: A0 },
  utimensat: { kind: 'write', dirfdArgs: A0 },
};

// Numbers from arch/x86/entry/syscalls/syscall_64.tbl and the generic
// include/uapi/asm-generic/unistd.h that arm64 uses.
// prettier-ignore
const NUMBERS: Record<string, Record<number, string>> = {
  [ARCH_X86_64]: {
    2: 'open', 59: 'execve', 76: 'truncate', 77: 'ftruncate', 82: 'rename',
    83: 'mkdir', 84: 'rmdir', 85: 'creat', 86: 'link', 87: 'unlink',
    88: 'symlink', 89: 'readlink', 90: 'chmod', 91: 'fchmod', 92: 'chown',
    93: 'fchown', 94: 'lchown', 132: 'utime', 133: 'mknod', 188: 'setxattr',
    189: 'lsetxattr', 190: 'fsetxattr', 191: 'getxattr', 192: 'lgetxattr',
    193: 'fgetxattr', 194: 'listxattr', 195: 'llistxattr', 196: 'flistxattr',
    197: 'removexattr', 198: 'lremovexattr', 199: 'fremovexattr',
    235: 'utimes', 257: 'openat', 258: 'mkdirat', 259: 'mknodat',
    260: 'fchownat', 261: 'futimesat', 263: 'unlinkat', 264: 'renameat',
    265: 'linkat', 266: 'symlinkat', 267: 'readlinkat', 268: 'fchmodat',
    280: 'utimensat', 316: 'renameat2', 322: 'execveat', 437: 'openat2',
    452: 'fchmodat2', 463: 'setxattrat', 464: 'getxattrat',
    465: 'listxattrat', 466: 'removexattrat',
  },
  [ARCH_AARCH64]: {
    5: 'setxattr', 6: 'lsetxattr', 7: 'fsetxattr', 8: 'getxattr',
    9: 'lgetxattr', 10: 'fgetxattr', 11: 'listxattr', 12: 'llistxattr',
    13: 'flistxattr', 14: 'removexattr', 15: 'lremovexattr',
    16: 'fremovexattr', 33: 'mknodat', 34: 'mkdirat', 35: 'unlinkat',
    36: 'symlinkat', 37: 'linkat', 38: 'renameat', 45: 'truncate',
    46: 'ftruncate', 52: 'fchmod', 53: 'fchmodat', 54: 'fchownat',
    55: 'fchown', 56: 'openat', 78: 'readlinkat', 88: 'utimensat',
    221: 'execve', 276: 'renameat2', 281: 'execveat', 437: 'openat2',
    452: 'fchmodat2', 463: 'setxattrat', 464: 'getxattrat',
    465: 'listxattrat', 466: 'removexattrat',
  },
};

/** What Vigil knows of syscall `number` on `arch`, if it is a file access. */
export function syscallInfo(
  arch: string,
  number: number,
): SyscallInfo | undefined {
  const name = NUMBERS[arch]?.[number];
  if (name === undefined) return undefined;
  const info = BY_NAME[name];
  return info === undefined ? undefined : { name, ...info };
}
