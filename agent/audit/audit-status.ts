import { auditctl } from './auditctl.js';

/**
 * Kernel queue length, in records, the sensor asks for (Auditbeat's
 * default). Distributions boot with 64, which a burst of file activity
 * overflows. A lower limit is raised to this; a higher one an
 * administrator set is kept.
 */
export const AUDIT_BACKLOG_LIMIT = 8192;
/**
 * How long, in jiffies, a process that finds the backlog full waits for
 * auditd to drain it. 0, as Auditbeat sets it: the record is dropped and
 * counted in `lost` (which the sensor reports) instead of stalling every
 * audited process on the machine for up to a minute.
 */
export const AUDIT_BACKLOG_WAIT_TIME = 0;
/** Records per second the kernel lets through; 0 is unlimited. */
export const AUDIT_RATE_LIMIT = 0;

/** The kernel's audit status, as `auditctl -s` prints it. */
export interface AuditStatus {
  enabled: number;
  pid: number;
  lost: number;
  backlog: number;
  backlogLimit: number;
  backlogWaitTime: number;
  rateLimit: number;
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
    rateLimit: value('rate_limit'),
  };
}

/**
 * Sets the kernel's queue the way the sensor needs it: backlog at least
 * AUDIT_BACKLOG_LIMIT, no wait when it is full, no rate limit. Settings
 * already right are left alone, so nothing changes on a second start.
 */
export async function tuneKernel(): Promise<void> {
  const status = await auditStatus();
  if (status.backlogLimit < AUDIT_BACKLOG_LIMIT) {
    await auditctl(['-b', String(AUDIT_BACKLOG_LIMIT)]);
  }
  if (status.backlogWaitTime !== AUDIT_BACKLOG_WAIT_TIME) {
    await auditctl(['--backlog_wait_time', String(AUDIT_BACKLOG_WAIT_TIME)]);
  }
  if (status.rateLimit !== AUDIT_RATE_LIMIT) {
    await auditctl(['-r', String(AUDIT_RATE_LIMIT)]);
  }
}
