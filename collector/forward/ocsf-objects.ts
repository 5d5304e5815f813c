import type {
  AccessEvent,
  FileInfo,
  ProcessInfo,
  UserInfo,
} from '../../protocol/event.js';
import { fileKind, pathParts, type FileKind } from './mapping-common.js';

/*
 * OCSF objects shared by Vigil's records (schema 1.5.0, docs/forwarding.md).
 * Attribute names follow the schema's dictionary; what has no attribute
 * there goes under `unmapped.vigil`.
 */

/** The schema version every record names in `metadata.version`. */
export const OCSF_VERSION = '1.5.0';

type Json = Record<string, unknown>;

/** file.type_id (OCSF File object) for a mode's file-type bits. */
const FILE_TYPE: Record<FileKind, [number, string]> = {
  file: [1, 'Regular File'],
  dir: [2, 'Folder'],
  char: [3, 'Character Device'],
  block: [4, 'Block Device'],
  socket: [5, 'Local Socket'],
  fifo: [6, 'Named Pipe'],
  symlink: [7, 'Symbolic Link'],
};

/** metadata: the product, the schema version and the record's stable uid. */
export function metadata(
  uid: string,
  loggedTime: string,
  extra: Json = {},
): Json {
  return {
    version: OCSF_VERSION,
    product: { name: 'Vigil', vendor_name: 'Vigil' },
    uid,
    logged_time: Date.parse(loggedTime),
    ...extra,
  };
}

/** device: the vendor machine the agent runs on. */
export function device(agent: {
  id: string;
  host: string | null;
  vendor: string | null;
}): Json {
  return {
    uid: agent.id,
    ...(agent.host ? { hostname: agent.host, name: agent.host } : {}),
    type_id: 0,
    type: 'Unknown',
    ...(agent.vendor ? { org: { name: agent.vendor } } : {}),
  };
}

/**
 * actor: the person (audit login uid) and the process. The process's
 * `user` is the real uid's account; the effective one is in unmapped.
 */
export function actor(event: AccessEvent): Json {
  return {
    ...(event.user ? { user: person(event.user) } : {}),
    ...(event.process ? { process: process(event.process, event.user) } : {}),
  };
}

function person(user: UserInfo): Json {
  return {
    name: user.login,
    uid: String(user.auid),
    groups: user.groups.map((name) => ({ name })),
  };
}

function process(proc: ProcessInfo, user: UserInfo | null): Json {
  return {
    pid: proc.pid,
    name: proc.name,
    cmd_line: proc.cmdline,
    file: {
      path: proc.exe,
      name: pathParts(proc.exe).name,
      type_id: 1,
      type: 'Regular File',
    },
    parent_process: { pid: proc.ppid },
    ...(user ? { user: { name: user.name, uid: String(user.uid) } } : {}),
  };
}

/** file (or file_result): what the access touched, with what is known of it. */
export function file(path: string, info?: FileInfo): Json {
  const { name, folder } = pathParts(path);
  const kind = fileKind(info?.mode);
  const [typeId, type] = kind ? FILE_TYPE[kind] : [0, 'Unknown'];
  return {
    path,
    name,
    parent_folder: folder,
    type_id: typeId,
    type,
    ...(info?.size !== undefined ? { size: info.size } : {}),
    ...(info?.inode !== undefined ? { uid: String(info.inode) } : {}),
    ...(info?.owner !== undefined
      ? { owner: { uid: String(info.owner) } }
      : {}),
    ...(info?.sha256
      ? {
          hashes: [
            { algorithm_id: 3, algorithm: 'SHA-256', value: info.sha256 },
          ],
        }
      : {}),
  };
}

/** What Vigil knows of an event that OCSF has no attribute for. */
export function vigilExtras(event: AccessEvent): Json {
  return {
    seq: event.seq,
    source: event.source,
    action: event.action,
    outcome: event.outcome,
    ...(event.via ? { via: event.via } : {}),
    ...(event.user
      ? {
          effective_user: {
            name: event.user.effective,
            uid: String(event.user.euid),
          },
        }
      : {}),
    ...(event.file?.mode ? { file_mode: event.file.mode } : {}),
    ...(event.audit ? { audit: event.audit } : {}),
    ...(event.detail ? { detail: event.detail } : {}),
  };
}
