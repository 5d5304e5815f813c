import { execFile } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { AuditError } from './errors.js';

/** auditctl answers at once; longer means a wedged audit subsystem. */
export const AUDITCTL_TIMEOUT_MS = 10_000;

const CANDIDATES = ['/usr/sbin/auditctl', '/sbin/auditctl'];

/** Where auditctl lives, or undefined when it is not installed. */
export function findAuditctl(): string | undefined {
  for (const file of CANDIDATES) {
    try {
      accessSync(file, constants.X_OK);
      return file;
    } catch {
      // try the next place
    }
  }
  return undefined;
}

/**
 * Runs auditctl with `args` (no shell) and returns its stdout. Throws
 * AuditError VIGIL_AUDIT_RULE_FAILED with auditctl's first error line.
 */
export function auditctl(args: readonly string[]): Promise<string> {
  const file = findAuditctl();
  if (file === undefined) {
    return Promise.reject(
      new AuditError(
        'VIGIL_AUDIT_UNAVAILABLE',
        'auditctl not found: install the auditd package',
      ),
    );
  }
  return new Promise((resolve, reject) => {
    execFile(
      file,
      [...args],
      { timeout: AUDITCTL_TIMEOUT_MS, encoding: 'utf8' },
      (error, stdout, stderr) => {
        if (error === null) {
          resolve(stdout);
          return;
        }
        const why = firstLine(stderr) || error.message.split('\n')[0];
        reject(
          new AuditError(
            'VIGIL_AUDIT_RULE_FAILED',
            `auditctl ${args[0] ?? ''} failed: ${why}`,
            { cause: error },
          ),
        );
      },
    );
  });
}

function firstLine(text: string): string {
  return text.trim().split('\n')[0]?.slice(0, 200) ?? '';
}
