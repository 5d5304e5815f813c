import { closeSync, openSync, rmSync } from 'node:fs';
import { openStore } from '../data-dir.js';
import { CollectorError } from '../errors.js';
import { CollectorStore } from '../store/store.js';

/**
 * Copies the store of `dataDir` to `out` with SQLite's online backup, which
 * is consistent while the collector keeps ingesting. The copy is created
 * with mode 0600 (it holds every event) and never over an existing file;
 * it is opened afterwards to prove it reads. Keys are not part of it.
 */
export async function backupStore(
  dataDir: string,
  out: string,
): Promise<{ events: number; batches: number; violations: number }> {
  createExclusive(out);
  const store = openStore(dataDir, true);
  try {
    await store.backup(out);
  } catch (error) {
    rmSync(out, { force: true });
    throw new CollectorError(
      'VIGIL_BACKUP_FAILED',
      `--out: the backup to ${out} failed (${codeOf(error)})`,
      { cause: error },
    );
  } finally {
    store.close();
  }
  const copy = new CollectorStore(out, { readonly: true });
  try {
    return copy.counts();
  } finally {
    copy.close();
  }
}

function createExclusive(out: string): void {
  try {
    closeSync(openSync(out, 'wx', 0o600));
  } catch (error) {
    throw new CollectorError(
      'VIGIL_BACKUP_FAILED',
      `--out: cannot create ${out} (${codeOf(error)}); a backup never ` +
        'replaces a file',
      { cause: error },
    );
  }
}

function codeOf(error: unknown): string {
  const code = (error as { code?: unknown }).code;
  return typeof code === 'string' ? code : 'error';
}
