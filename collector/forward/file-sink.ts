import { open, type FileHandle } from 'node:fs/promises';
import type { SendResult, Sink } from './sink.js';

/** Bytes read at a time while looking back for the last newline. */
const TAIL_CHUNK_BYTES = 64 * 1024;

/**
 * Appends JSON lines to a file, fsynced before a page counts as sent. The
 * file is opened for each page, so a rotation (rename, then a new file)
 * is followed without a signal.
 */
export class FileSink implements Sink {
  readonly target: string;

  constructor(
    readonly name: string,
    private readonly path: string,
  ) {
    this.target = path;
  }

  async send(lines: readonly string[]): Promise<SendResult> {
    let handle: FileHandle | undefined;
    try {
      handle = await open(this.path, 'a+', 0o600);
      await dropCutLine(handle);
      await handle.writeFile(`${lines.join('\n')}\n`);
      await handle.sync();
      return { outcome: 'ok' };
    } catch (error) {
      const errno = (error as NodeJS.ErrnoException).code ?? 'error';
      return {
        outcome: 'retry',
        code: 'VIGIL_FORWARD_FAILED',
        reason: `cannot append to ${this.path} (${errno})`,
      };
    } finally {
      await handle?.close();
    }
  }

  async close(): Promise<void> {}
}

// A crash in the middle of a write can leave the file ending in part of a
// line. That page was never acknowledged and is written again whole, so
// the cut part goes: every line of the file stays one JSON record.
async function dropCutLine(handle: FileHandle): Promise<void> {
  const { size } = await handle.stat();
  const last = Buffer.alloc(1);
  if (size === 0) return;
  await handle.read(last, 0, 1, size - 1);
  if (last[0] === 0x0a) return;
  let end = size;
  const chunk = Buffer.alloc(TAIL_CHUNK_BYTES);
  while (end > 0) {
    const start = Math.max(0, end - TAIL_CHUNK_BYTES);
    const { bytesRead } = await handle.read(chunk, 0, end - start, start);
    const newline = chunk.subarray(0, bytesRead).lastIndexOf(0x0a);
    if (newline >= 0) {
      const keep = start + newline + 1;
      if (keep < size) await handle.truncate(keep);
      return;
    }
    end = start;
  }
  await handle.truncate(0);
}
