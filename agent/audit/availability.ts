import { accessSync, constants } from 'node:fs';
import { auditStatus } from './audit-status.js';
import { findAuditctl } from './auditctl.js';

/** Where auditd writes by default (auditd.conf log_file). */
export const AUDIT_LOG_FILE = '/var/log/audit/audit.log';

export type Availability = { ok: true } | { ok: false; reason: string };

/**
 * Whether the audit sensor can run here, and if not, what a person should
 * do about it: run as root, install auditd, start it, unlock the rules.
 */
export async function auditAvailable(
  logFile: string = AUDIT_LOG_FILE,
): Promise<Availability> {
  if (process.platform !== 'linux') {
    return no('the audit sensor needs Linux; use the file sensor here');
  }
  if (process.getuid?.() !== 0) {
    return no('the audit sensor needs root: run the agent as root');
  }
  if (findAuditctl() === undefined) {
    return no(
      'auditctl not found: install auditd ' +
        '(apt-get install auditd, or dnf install audit)',
    );
  }
  let status;
  try {
    status = await auditStatus();
  } catch (error) {
    return no(
      `cannot read the kernel audit status: ${(error as Error).message}`,
    );
  }
  if (status.enabled === 0) {
    return no('kernel auditing is off: run "auditctl -e 1" or start auditd');
  }
  if (status.enabled === 2) {
    return no('audit rules are locked (-e 2): reboot without locking them');
  }
  if (status.pid === 0) {
    return no('auditd is not running: start it (systemctl start auditd)');
  }
  try {
    accessSync(logFile, constants.R_OK);
  } catch {
    return no(`cannot read ${logFile}: check log_file in auditd.conf`);
  }
  return { ok: true };
}

function no(reason: string): Availability {
  return { ok: false, reason };
}
