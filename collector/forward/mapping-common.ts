import { posix } from 'node:path';
import type { Action } from '../../protocol/event.js';
import type { ViolationItem } from './reader.js';

/** The policies of the collector's own findings (watchdogs, chain checks). */
const OWN_POLICIES = new Set(['vigil.watchdog', 'vigil.integrity']);

/**
 * A violation a policy raised on an access: forwarded as that access with
 * the decision. The collector's own findings (and a policy violation whose
 * event is not stored) are forwarded as findings.
 */
export function isPolicyDecision(item: ViolationItem): boolean {
  return item.event !== null && !OWN_POLICIES.has(item.violation.policy);
}

/** Vigil severity as a rank shared by both formats: 2 low … 5 critical. */
export function severityRank(severity: string): number {
  const rank = ['low', 'medium', 'high', 'critical'].indexOf(severity);
  return rank < 0 ? 0 : rank + 2;
}

/** Milliseconds since the epoch of an RFC 3339 time; sub-ms digits drop. */
export function epochMs(time: string): number {
  return Date.parse(time);
}

/** Name, folder and extension of an absolute path (POSIX). */
export function pathParts(path: string): {
  name: string;
  folder: string;
  extension: string | undefined;
} {
  const ext = posix.extname(path);
  return {
    name: posix.basename(path),
    folder: posix.dirname(path),
    extension: ext.length > 1 ? ext.slice(1) : undefined,
  };
}

/** What the file-type bits (S_IFMT) of an octal mode like "0100644" name. */
export type FileKind =
  'file' | 'dir' | 'symlink' | 'char' | 'block' | 'socket' | 'fifo';

const S_IFMT: Record<number, FileKind> = {
  0o100000: 'file',
  0o040000: 'dir',
  0o120000: 'symlink',
  0o020000: 'char',
  0o060000: 'block',
  0o140000: 'socket',
  0o010000: 'fifo',
};

export function fileKind(mode: string | undefined): FileKind | undefined {
  if (mode === undefined || !/^[0-7]+$/.test(mode)) return undefined;
  return S_IFMT[parseInt(mode, 8) & 0o170000];
}

/** Permission bits of an octal mode, as four digits ("0644"). */
export function permissionBits(mode: string | undefined): string | undefined {
  if (mode === undefined || !/^[0-7]+$/.test(mode)) return undefined;
  return (parseInt(mode, 8) & 0o7777).toString(8).padStart(4, '0');
}

/** A short line a person reads in the SIEM's list view. */
export function accessMessage(
  who: string | undefined,
  action: Action,
  path: string | undefined,
  outcome: string,
): string {
  const done = outcome === 'success' ? '' : ` (${outcome})`;
  return `${who ?? 'unknown user'} ${action} ${path ?? ''}`.trimEnd() + done;
}

/** The compliance tags stored with a violation (a JSON array). */
export function complianceTags(text: string): string[] {
  try {
    const tags: unknown = JSON.parse(text);
    return Array.isArray(tags)
      ? tags.filter((t): t is string => typeof t === 'string')
      : [];
  } catch {
    return [];
  }
}
