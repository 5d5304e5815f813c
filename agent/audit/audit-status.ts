import { auditctl } from './auditctl.js';

/**
 * Kernel backlog the sensor asks for. Distributions boot with 64, which a
 * burst of file activity overflows. The sensor raises a lower limit to this
 * and never lowers one an administrator set. backlog_wait_time is left as
 * configured: 0 would drop records at once instead of briefly slowing the
 * writer, and the kernel's `lost` counter reports drops either way.
 */
export const AUDIT_BACKLOG_LIMIT = 8192;

/** The kernel's audit status, as `auditctl -s` prints it. */
export interface AuditStatus {
  enabled: number;
  pid: number;
  lost: number;
  backlog: number;
  backlogLimit: number;
  backlogWaitTime: number;
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

/** Raises the kernel backlog to AUDIT_BACKLOG_LIMIT if it is lower. */
export async function raiseBacklog(): Promise<void> {
  const status = await auditStatus();
  if (status.backlogLimit < AUDIT_BACKLOG_LIMIT) {
    await auditctl(['-b', String(AUDIT_BACKLOG_LIMIT)]);
  }
}
