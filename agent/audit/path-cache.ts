/** Paths remembered; the oldest are forgotten first. */
export const PATH_CACHE_SIZE = 8192;

/**
 * Absolute paths of inodes seen in earlier events, keyed by device and
 * inode. The kernel names a file only as the caller did; when the caller
 * used a directory fd, or an fd alone, this is how the real path is found.
 */
export class PathCache {
  private readonly paths = new Map<string, string>();

  constructor(private readonly size = PATH_CACHE_SIZE) {}

  get(dev: string, inode: number): string | undefined {
    return this.paths.get(`${dev}:${inode}`);
  }

  set(dev: string, inode: number, path: string): void {
    const key = `${dev}:${inode}`;
    this.paths.delete(key);
    this.paths.set(key, path);
    if (this.paths.size > this.size) {
      const oldest = this.paths.keys().next();
      if (oldest.done !== true) this.paths.delete(oldest.value);
    }
  }

  delete(dev: string, inode: number): void {
    this.paths.delete(`${dev}:${inode}`);
  }
}
