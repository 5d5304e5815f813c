import type { AccessAction } from '../../protocol/event.js';
import type { AuditRecord } from './parse-record.js';

/** One PATH record: a name the syscall looked up, and what it found. */
export interface PathItem {
  item: number;
  name: string | null;
  /** NORMAL, PARENT, CREATE, DELETE or UNKNOWN. */
  nametype: string;
  inode?: number;
  dev?: string;
  mode?: string;
  ouid?: number;
}

/** The items an event is about, with the PARENT items that hold them. */
export interface ItemRoles {
  subject?: PathItem;
  subjectParent?: PathItem;
  target?: PathItem;
  targetParent?: PathItem;
}

/** The PATH records of a group in item order. */
export function pathItems(records: readonly AuditRecord[]): PathItem[] {
  const items: PathItem[] = [];
  for (const record of records) {
    if (record.type !== 'PATH') continue;
    const f = record.fields;
    items.push({
      item: toNumber(f.item) ?? items.length,
      name: f.name ?? null,
      // Kernels before 4.x call it objtype.
      nametype: f.nametype ?? f.objtype ?? 'NORMAL',
      inode: toNumber(f.inode),
      dev: f.dev ?? undefined,
      mode: f.mode ?? undefined,
      ouid: toNumber(f.ouid),
    });
  }
  return items.sort((a, b) => a.item - b.item);
}

/**
 * Picks the items that name the event's path and target. rename writes
 * PARENT, PARENT, DELETE, CREATE; link writes the old name and a CREATE;
 * a denied create may leave only the PARENT.
 */
export function pickItems(
  action: AccessAction,
  syscall: string,
  items: readonly PathItem[],
): ItemRoles {
  const parents = items.filter((i) => i.nametype === 'PARENT');
  const others = items.filter((i) => i.nametype !== 'PARENT');
  const firstParent = parents.find((i) => i.name !== null) ?? parents[0];
  const fallback = others[0] ?? firstParent;
  const create = others.find((i) => i.nametype === 'CREATE');
  const remove = others.find((i) => i.nametype === 'DELETE');
  switch (action) {
    case 'rename':
      return withParents(remove ?? fallback, create, parents[0], parents[1]);
    case 'delete':
      return withParents(remove ?? fallback, undefined, parents[0]);
    case 'create':
      return withParents(create ?? fallback, undefined, parents[0]);
    case 'link':
      return pickLink(syscall, others, create, parents[0]);
    default:
      return { subject: fallback };
  }
}

// link: path is the existing file, target the new name. symlink: path is
// what the link points to (its UNKNOWN item), target the new link.
function pickLink(
  syscall: string,
  others: readonly PathItem[],
  create: PathItem | undefined,
  parent: PathItem | undefined,
): ItemRoles {
  const wanted = syscall.startsWith('symlink') ? 'UNKNOWN' : 'NORMAL';
  const existing = others.find((i) => i.nametype === wanted);
  if (existing === undefined) return withParents(create, undefined, parent);
  return { subject: existing, target: create, targetParent: parent };
}

function withParents(
  subject: PathItem | undefined,
  target: PathItem | undefined,
  first: PathItem | undefined,
  second?: PathItem,
): ItemRoles {
  const roles: ItemRoles = { subject, target };
  if (subject !== undefined && subject.nametype !== 'PARENT') {
    roles.subjectParent = first;
  }
  if (target !== undefined) roles.targetParent = second ?? first;
  return roles;
}

function toNumber(text: string | null | undefined): number | undefined {
  if (text === null || text === undefined || !/^\d{1,20}$/.test(text)) {
    return undefined;
  }
  return Number(text);
}
