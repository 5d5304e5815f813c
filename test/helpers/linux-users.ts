import { execFileSync, spawnSync } from 'node:child_process';

/** Creates a group once; an existing one is reused. */
export function ensureGroup(name: string): void {
  spawnSync('groupadd', ['-f', name]);
}

/** Creates a login-less Linux account (reused when present) and returns its uid. */
export function ensureUser(name: string, groups: string[] = []): number {
  if (spawnSync('id', ['-u', name]).status !== 0) {
    const args = ['-M', '-s', '/usr/sbin/nologin'];
    if (groups.length) args.push('-G', groups.join(','));
    execFileSync('useradd', [...args, name]);
  } else if (groups.length) {
    execFileSync('usermod', ['-a', '-G', groups.join(','), name]);
  }
  return Number(execFileSync('id', ['-u', name], { encoding: 'utf8' }).trim());
}

/** Runs a command as another user; returns its exit status. */
export function runAs(user: string, command: string[]): number | null {
  return spawnSync('runuser', ['-u', user, '--', ...command], {
    stdio: 'ignore',
  }).status;
}
