import { statSync } from 'node:fs';
import { isAbsolute, normalize } from 'node:path';
import { auditctl } from './auditctl.js';
import { AuditError } from './errors.js';

/** Rule keys: what auditctl lists back verbatim and ausearch -k accepts. */
const KEY_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;
// auditctl splits -F at the first comparison operator, even inside a path.
const OPERATOR_IN_PATH = /[!<>&]=/;
/** Read, write, execute, attribute change: every access. */
const PERMS = 'rwxa';

/**
 * Installs one watch rule per path under `key` and removes the key's other
 * rules. New rules go in before old ones come out, so a restart leaves no
 * moment unwatched. Directories are watched whole (dir=), files by name
 * (path=). The calling process is excluded in the kernel, so the agent's
 * own reads of watched files never become events.
 */
export async function installRules(
  paths: readonly string[],
  key: string,
): Promise<void> {
  checkKey(key);
  const wanted = new Set(paths.map((path) => ruleLine(ruleField(path), key)));
  const loaded = await listRules(key);
  for (const line of wanted) {
    if (!loaded.includes(line)) await auditctl(addArgs(line));
  }
  for (const line of loaded) {
    if (!wanted.has(line)) await auditctl(deleteArgs(line));
  }
}

/**
 * Adds the rule of each path in `paths` that is not loaded, and removes
 * nothing: for putting back rules someone deleted.
 */
export async function restoreRules(
  paths: readonly string[],
  key: string,
): Promise<void> {
  checkKey(key);
  const loaded = await listRules(key);
  for (const path of paths) {
    const line = ruleLine(ruleField(path), key);
    if (!loaded.includes(line)) await auditctl(addArgs(line));
  }
}

/** The paths in `paths` that no rule of this process under `key` watches. */
export async function missingRules(
  paths: readonly string[],
  key: string,
): Promise<string[]> {
  checkKey(key);
  const watched = new Set<string>();
  for (const line of await listRules(key)) {
    const rule = WATCH_RULE.exec(line);
    if (rule?.[4] === String(process.pid)) watched.add(rule[2] ?? '');
  }
  return paths.filter((path) => !watched.has(cleanPath(path)));
}

/**
 * Removes the rules under `key`, and only those. `auditctl -D -k` matches
 * keys by prefix (removing "vigil" would take "vigil-2" along), so when
 * such neighbours exist each rule is deleted by its exact spec instead.
 */
export async function removeRules(key: string): Promise<void> {
  checkKey(key);
  const keyed = (await loadedRules()).filter(
    (rule) => ruleKey(rule)?.startsWith(key) === true,
  );
  const mine = keyed.filter((rule) => ruleKey(rule) === key);
  if (mine.length === 0) return;
  if (mine.length === keyed.length) {
    await auditctl(['-D', '-k', key]);
    return;
  }
  for (const rule of mine) await auditctl(deleteArgs(rule));
}

/** The loaded rules under `key`, one auditctl line each. */
export async function listRules(key: string): Promise<string[]> {
  checkKey(key);
  return (await loadedRules()).filter((rule) => ruleKey(rule) === key);
}

async function loadedRules(): Promise<string[]> {
  const text = await auditctl(['-l']);
  return text.split('\n').map((line) => line.trim());
}

const WATCH_RULE = new RegExp(
  String.raw`^-a always,exit -S all -F (dir|path)=(.+) -F perm=(\w+)` +
    String.raw` -F pid!=(\d+) -F key=(\S+)$`,
);
const PLAIN_WATCH = /^-w (.+) -p (\w+) -k (\S+)$/;

// The listed rule turned back into auditctl arguments; paths may hold spaces.
function deleteArgs(rule: string): string[] {
  const watch = WATCH_RULE.exec(rule);
  if (watch) {
    const [, type, path, perm, pid, key] = watch;
    return [
      '-d',
      'always,exit',
      '-F',
      `${type}=${path}`,
      '-F',
      `perm=${perm}`,
      '-F',
      `pid!=${pid}`,
      '-k',
      key ?? '',
    ];
  }
  const plain = PLAIN_WATCH.exec(rule);
  if (plain) {
    const [, path, perm, key] = plain;
    return ['-W', path ?? '', '-p', perm ?? '', '-k', key ?? ''];
  }
  throw new AuditError(
    'VIGIL_AUDIT_RULE_FAILED',
    `cannot remove a rule of another shape under the key: ${rule.slice(0, 200)}`,
  );
}

function ruleKey(line: string): string | undefined {
  return / (?:-F key=|-k )(\S+)$/.exec(line)?.[1];
}

function ruleField(path: string): string {
  if (!isAbsolute(path) || /\p{Cc}/u.test(path)) {
    throw pathError(path, 'must be an absolute path without control bytes');
  }
  if (OPERATOR_IN_PATH.test(path)) {
    throw pathError(
      path,
      'holds "!=", "<=", ">=" or "&=", which auditctl misreads',
    );
  }
  let isDir: boolean;
  try {
    isDir = statSync(path).isDirectory();
  } catch {
    throw pathError(
      path,
      'does not exist; the kernel only watches what is there',
    );
  }
  return `${isDir ? 'dir' : 'path'}=${cleanPath(path)}`;
}

function cleanPath(path: string): string {
  return normalize(path).replace(/(.)\/+$/, '$1');
}

// How auditctl -l lists the rule installed for `field`.
function ruleLine(field: string, key: string): string {
  return (
    `-a always,exit -S all -F ${field} -F perm=${PERMS}` +
    ` -F pid!=${process.pid} -F key=${key}`
  );
}

function addArgs(line: string): string[] {
  return ['-a', ...deleteArgs(line).slice(1)];
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
