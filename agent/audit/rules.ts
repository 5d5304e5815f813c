import { statSync } from 'node:fs';
import { isAbsolute, normalize } from 'node:path';
import { auditctl } from './auditctl.js';
import { AuditError } from './errors.js';

/**
 * Kernel backlog the sensor asks for. Distributions boot with 64, which a
 * burst of file activity overflows. The sensor raises a lower limit to this
 * and never lowers one an administrator set. backlog_wait_time is left as
 * configured: 0 would drop records at once instead of briefly slowing the
 * writer, and the kernel's `lost` counter reports drops either way.
 */
export const AUDIT_BACKLOG_LIMIT = 8192;

/** Rule keys: what auditctl lists back verbatim and ausearch -k accepts. */
const KEY_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;
// auditctl splits -F at the first comparison operator, even inside a path.
const OPERATOR_IN_PATH = /[!<>&]=/;

/** The kernel's audit status, as `auditctl -s` prints it. */
export interface AuditStatus {
  enabled: number;
  pid: number;
  lost: number;
  backlog: number;
  backlogLimit: number;
  backlogWaitTime: number;
}

/**
 * Installs one watch rule per path under `key`, replacing the key's old
 * rules. Directories are watched whole (dir=), files by name (path=). The
 * calling process is excluded in the kernel, so the agent's own reads of
 * watched files never become events.
 */
export async function installRules(
  paths: readonly string[],
  key: string,
): Promise<void> {
  checkKey(key);
  const fields = paths.map(ruleField);
  await removeRules(key);
  await raiseBacklog();
  for (const field of fields) {
    await auditctl([
      '-a', 'always,exit',
      '-F', field,
      '-F', 'perm=rwxa',
      '-F', `pid!=${process.pid}`,
      '-k', key,
    ]); // prettier-ignore
  }
}

/** Removes the rules under `key`, and only those. */
export async function removeRules(key: string): Promise<void> {
  checkKey(key);
  await auditctl(['-D', '-k', key]);
}

/** The loaded rules under `key`, one auditctl line each. */
export async function listRules(key: string): Promise<string[]> {
  checkKey(key);
  const text = await auditctl(['-l']);
  return text
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => ruleKey(line) === key);
}

/** Reads `auditctl -s`: enabled flag, auditd pid, lost count, backlog. */
export async function auditStatus(): Promise<AuditStatus> {
  const text = await auditctl(['-s']);
  const value = (name: string): number => {
    const match = new RegExp(`^${name} (\\d+)`, 'm').exec(text);
    return match ? Number(match[1]) : 0;
  };
  return {
    enabled: value('enabled'),
    pid: value('pid'),
    lost: value('lost'),
    backlog: value('backlog'),
    backlogLimit: value('backlog_limit'),
    backlogWaitTime: value('backlog_wait_time'),
  };
}

async function raiseBacklog(): Promise<void> {
  const status = await auditStatus();
  if (status.backlogLimit < AUDIT_BACKLOG_LIMIT) {
    await auditctl(['-b', String(AUDIT_BACKLOG_LIMIT)]);
  }
}

function ruleKey(line: string): string | undefined {
  return / (?:-F key=|-k )(\S+)$/.exec(line)?.[1];
}

function ruleField(path: string): string {
  if (!isAbsolute(path) || /[\0-\x1f]/.test(path)) {
    throw pathError(path, 'must be an absolute path without control bytes');
  }
  if (OPERATOR_IN_PATH.test(path)) {
    throw pathError(path, 'holds "!=", "<=", ">=" or "&=", which auditctl misreads');
  }
  let isDir: boolean;
  try {
    isDir = statSync(path).isDirectory();
  } catch {
    throw pathError(path, 'does not exist; the kernel only watches what is there');
  }
  const clean = normalize(path).replace(/(.)\/+$/, '$1');
  return `${isDir ? 'dir' : 'path'}=${clean}`;
}

function checkKey(key: string): void {
  if (!KEY_PATTERN.test(key)) {
    throw new AuditError(
      'VIGIL_AUDIT_KEY_INVALID',
      'audit key: use 1 to 64 letters, digits, ".", "_" or "-"',
    );
  }
}

function pathError(path: string, why: string): AuditError {
  return new AuditError(
    'VIGIL_AUDIT_PATH_INVALID',
    `watched path ${JSON.stringify(path.slice(0, 200))} ${why}`,
  );
}
