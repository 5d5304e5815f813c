import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

/** Clock ticks per second of /proc/<pid>/stat times (getconf CLK_TCK). */
export const CLOCK_TICKS = clockTicks();

function clockTicks(): number {
  try {
    return Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }));
  } catch {
    return 100; // Linux's USER_HZ on every common architecture
  }
}

/** Resident set size of `pid` in MiB, from /proc/<pid>/status VmRSS. */
export function rssMiB(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kib = /^VmRSS:\s+(\d+) kB$/m.exec(status)?.[1];
  if (kib === undefined) throw new Error(`/proc/${pid}/status has no VmRSS`);
  return Number(kib) / 1024;
}

/** User + system CPU time of `pid` so far, in seconds (/proc/<pid>/stat). */
export function cpuSeconds(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // Fields after the command name, which may hold spaces, ends with ")".
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const utime = Number(fields[11]);
  const stime = Number(fields[12]);
  return (utime + stime) / CLOCK_TICKS;
}

/** What a process used over a window: peak RSS and CPU share. */
export interface Usage {
  peakRssMiB: number;
  /** CPU time over wall time, in percent of one core. */
  cpuPercent: number;
}

/**
 * Watches `pid` for `ms`, reading RSS every `everyMs`; returns its peak RSS
 * and the share of one core it used.
 */
export async function watchUsage(
  pid: number,
  ms: number,
  everyMs = 250,
): Promise<Usage> {
  const cpu0 = cpuSeconds(pid);
  const t0 = performance.now();
  let peak = rssMiB(pid);
  while (performance.now() - t0 < ms) {
    await new Promise((r) => setTimeout(r, everyMs));
    peak = Math.max(peak, rssMiB(pid));
  }
  const wall = (performance.now() - t0) / 1000;
  return {
    peakRssMiB: peak,
    cpuPercent: ((cpuSeconds(pid) - cpu0) / wall) * 100,
  };
}
