import { readFileSync } from 'node:fs';
import { dirname } from 'node:path';

/** What strace saw a process do to one file, write by write. */
export interface CheckpointWrites {
  /** rename(tmp, file) calls, each with what happened to tmp before it. */
  renames: { synced: boolean; closed: boolean; dirSynced: boolean }[];
  /** Opens of the checkpoint itself for writing: never atomic. */
  inPlace: number;
}

/**
 * Reads an `strace -f` log and follows every write of `file`: a temporary
 * file opened, written, fsynced and closed, renamed over it, then the
 * directory fsynced so the rename itself survives a crash.
 */
export function checkpointWrites(
  traceFile: string,
  file: string,
): CheckpointWrites {
  const tmp = `${file}.tmp`;
  const result: CheckpointWrites = { renames: [], inPlace: 0 };
  let tmpFd: string | undefined;
  let dirFd: string | undefined;
  let synced = false;
  let closed = false;
  for (const call of calls(traceFile)) {
    const fd = /^\w+\((\d+)/.exec(call)?.[1];
    const opened = /^openat\(AT_FDCWD, "([^"]+)", ([A-Z_|]+).*= (\d+)$/.exec(
      call,
    );
    if (opened?.[1] === tmp) {
      [tmpFd, synced, closed] = [opened[3], false, false];
    } else if (opened?.[1] === file && /WRONLY|RDWR/.test(opened[2] ?? '')) {
      result.inPlace += 1;
    } else if (opened?.[1] === dirname(file)) {
      dirFd = opened[3];
    } else if (/^f(data)?sync\(/.test(call) && fd === tmpFd) {
      synced = true;
    } else if (/^close\(/.test(call) && fd === tmpFd) {
      [closed, tmpFd] = [true, undefined];
    } else if (call.startsWith(`rename("${tmp}", "${file}") = 0`)) {
      result.renames.push({ synced, closed, dirSynced: false });
    } else if (/^fsync\(/.test(call) && fd === dirFd) {
      const last = result.renames.at(-1);
      if (last !== undefined) last.dirSynced = true;
      dirFd = undefined;
    }
  }
  return result;
}

/** The calls of a trace, without pids; split calls joined again. */
function calls(traceFile: string): string[] {
  const pending = new Map<string, string>();
  const out: string[] = [];
  for (const line of readFileSync(traceFile, 'utf8').split('\n')) {
    const match = /^(\d+)\s+(.*)$/.exec(line);
    if (match === null) continue;
    const [, pid = '', text = ''] = match;
    const unfinished = /^(.*) <unfinished \.\.\.>$/.exec(text);
    const resumed = /^<\.\.\. \w+ resumed>(.*)$/.exec(text);
    if (unfinished !== null) pending.set(pid, unfinished[1] ?? '');
    else if (resumed !== null) out.push(`${pending.get(pid)}${resumed[1]}`);
    else out.push(text);
  }
  return out.map((call) => call.replace(/\s+= /, ' = '));
}
