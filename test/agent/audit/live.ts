import { execFileSync } from 'node:child_process';
import { auditAvailable } from '../../../agent/audit/audit-sensor.js';

/** Set to 1 where the live audit tests must run (CI as root with auditd). */
const REQUIRED = process.env.VIGIL_REQUIRE_AUDIT === '1';

const availability = await auditAvailable();

/** Why the live audit tests cannot run here, or undefined when they can. */
export const LIVE_AUDIT_MISSING = availability.ok
  ? undefined
  : availability.reason;

/** Skip the live tests, unless VIGIL_REQUIRE_AUDIT=1 makes them fail. */
export const SKIP_LIVE = LIVE_AUDIT_MISSING !== undefined && !REQUIRED;
if (SKIP_LIVE) {
  console.warn(`live audit tests skipped: ${LIVE_AUDIT_MISSING}`);
}

/** Called first in a live suite: fails it when audit is required but absent. */
export function requireLiveAudit(): void {
  if (LIVE_AUDIT_MISSING !== undefined) {
    throw new Error(
      `VIGIL_REQUIRE_AUDIT=1 but the audit sensor cannot run: ${LIVE_AUDIT_MISSING}`,
    );
  }
}

/** A throwaway login-less user for denied accesses; returns its uid. */
export function addTestUser(name: string): number {
  execFileSync('useradd', ['-M', '-s', '/usr/sbin/nologin', name]);
  return Number(execFileSync('id', ['-u', name], { encoding: 'utf8' }));
}

export function removeTestUser(name: string): void {
  try {
    execFileSync('userdel', [name], { stdio: 'ignore' });
  } catch {
    // never created, or already gone
  }
}

/** Resolves once `check` holds, polling; rejects after `timeoutMs`. */
export async function waitFor(
  check: () => boolean,
  what: string,
  timeoutMs = 10_000,
): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
