import { metaEvent } from '../meta-event.js';
import type { CapturedEvent, FileInfo } from '../../protocol/event.js';
import type { EntrySnapshot } from './file-snapshot.js';

/** What the file sensor can tell apart; it never sees reads. */
export type FileAction = 'create' | 'write' | 'delete' | 'rename';

/** Why part of the watched trees is not covered. */
export type DegradedReason =
  'inotify-watch-limit' | 'inotify-instance-limit' | 'permission-denied';

/**
 * An access seen on disk. `user` and `process` are null: inotify does not
 * say who acted, and the event says so rather than guess.
 */
export function fileEvent(
  action: FileAction,
  path: string,
  entry: EntrySnapshot,
  timeMs: number,
  target?: string,
): CapturedEvent {
  return {
    time: rfc3339(timeMs),
    source: 'fs',
    action,
    outcome: 'success',
    path,
    ...(target === undefined ? {} : { target }),
    user: null,
    process: null,
    file: fileInfo(entry),
  };
}

/** Part of the watched trees went uncovered; the sensor keeps running. */
export function degradedEvent(
  reason: DegradedReason,
  unwatched: number,
  timeMs: number,
): CapturedEvent {
  const detail = { sensor: 'fs', reason, unwatched };
  return metaEvent('sensor.degraded', detail, 'failed', new Date(timeMs));
}

function fileInfo(entry: EntrySnapshot): FileInfo {
  const info: FileInfo = {
    size: entry.size,
    // Octal st_mode with its type bits, "100644" for a plain file.
    // Leading 0, as the kernel's audit records print it: "0100644".
    mode: `0${entry.mode.toString(8)}`,
    owner: entry.uid,
    inode: entry.ino,
  };
  if (entry.sha256 !== undefined) info.sha256 = entry.sha256;
  return info;
}

/** UTC with milliseconds, e.g. 2025-03-01T09:30:00.123Z. */
function rfc3339(timeMs: number): string {
  return new Date(timeMs).toISOString();
}
