import { randomBytes } from 'node:crypto';
import {
  closeSync,
  fchmodSync,
  fsyncSync,
  openSync,
  renameSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';

/**
 * Writes `file` whole or not at all: into a new file of `mode` beside it
 * (opened with O_EXCL, so nothing planted at the temporary name is
 * followed), flushed, then renamed over `file`. A reader never sees half a
 * file, an old file's other mode is not kept, and a symlink at `file` is
 * replaced rather than followed. On failure the temporary file is removed
 * and the file system's error (ENOENT, EISDIR, EACCES …) is thrown for the
 * caller to name in its own terms.
 */
export function writeFileAtomic(
  file: string,
  text: string,
  mode: number,
): void {
  const target = resolve(file);
  const temp = join(
    dirname(target),
    `.${basename(target)}.${randomBytes(6).toString('hex')}.tmp`,
  );
  try {
    const fd = openSync(temp, 'wx', mode);
    try {
      fchmodSync(fd, mode); // whatever the umask
      writeFileSync(fd, text);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(temp, target);
  } catch (error) {
    rmSync(temp, { force: true });
    throw error;
  }
}
