import { createHash, randomBytes } from 'node:crypto';
import {
  closeSync,
  fsyncSync,
  openSync,
  renameSync,
  rmSync,
  writeSync,
} from 'node:fs';
import type {
  BundleCounts,
  BundleLine,
  ManifestLine,
} from '../../protocol/bundle.js';
import { BundleError } from '../../protocol/bundle.js';
import { signCanonical } from '../../protocol/sign.js';

/** Bytes gathered before one write(2): large enough to keep syscalls rare. */
const FLUSH_BYTES = 1024 * 1024;

/**
 * Writes a bundle a line at a time into `<out>.partial`, hashing every byte
 * for the manifest, and renames it to `out` only once the signed manifest
 * is written and synced: a failed export leaves no file that looks whole.
 */
export class BundleWriter {
  private readonly fd: number;
  private readonly digest = createHash('sha256');
  private chunks: string[] = [];
  private pending = 0;
  private readonly partial: string;

  private closed = false;

  constructor(private readonly out: string) {
    // A fresh name opened exclusively: nothing planted at the path (a
    // symlink, a looser file) is followed or reused. Events name people
    // and files: readable by the exporting user only.
    this.partial = `${out}.${randomBytes(6).toString('hex')}.partial`;
    try {
      this.fd = openSync(this.partial, 'wx', 0o600);
    } catch (error) {
      throw new BundleError(
        'VIGIL_EXPORT_INVALID',
        `--out: ${out} cannot be written (${(error as { code?: string }).code ?? 'error'}); give a file in an existing folder`,
        { cause: error },
      );
    }
  }

  /** Appends one line given as its JSON text (no newline). */
  raw(json: string): void {
    const line = `${json}\n`;
    this.digest.update(line);
    this.chunks.push(line);
    this.pending += line.length;
    if (this.pending >= FLUSH_BYTES) this.flush();
  }

  line(value: BundleLine): void {
    this.raw(JSON.stringify(value));
  }

  /** Signs the counts and digest of everything written, then publishes. */
  finish(counts: BundleCounts, signingKeyPem: string): void {
    const manifest = { counts, digest: this.digest.digest('hex') };
    const line: ManifestLine = {
      type: 'manifest',
      manifest,
      signature: signCanonical(manifest, signingKeyPem),
    };
    const text = `${JSON.stringify(line)}\n`;
    this.chunks.push(text);
    this.flush();
    fsyncSync(this.fd);
    this.close();
    try {
      renameSync(this.partial, this.out);
    } catch (error) {
      rmSync(this.partial, { force: true });
      throw new BundleError(
        'VIGIL_EXPORT_INVALID',
        `--out: ${this.out} cannot be replaced (${(error as { code?: string }).code ?? 'error'})`,
        { cause: error },
      );
    }
  }

  /** Gives up: the partial file is removed. */
  abort(): void {
    try {
      this.close();
    } finally {
      rmSync(this.partial, { force: true });
    }
  }

  private close(): void {
    if (this.closed) return;
    this.closed = true;
    closeSync(this.fd);
  }

  private flush(): void {
    writeSync(this.fd, this.chunks.join(''));
    this.chunks = [];
    this.pending = 0;
  }
}
