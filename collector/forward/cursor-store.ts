import { mkdirSync, readFileSync } from 'node:fs';
import { open, rename } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { isRecord } from '../../protocol/is-record.js';

/**
 * How far a sink has acknowledged the store. Events go in batch
 * acceptance order (`batches.leaf`), then seq; violations by id. Every
 * record at or before the cursor was acknowledged by the sink.
 */
export interface ForwardCursor {
  /** The last acknowledged event: its batch's leaf and its seq. */
  events: { leaf: number; seq: number };
  /** Id of the last acknowledged violation. */
  violations: number;
}

/** Before anything was forwarded: a new sink starts with the oldest record. */
export const CURSOR_START: ForwardCursor = {
  events: { leaf: -1, seq: 0 },
  violations: 0,
};

const CURSOR_VERSION = 1;

/**
 * One sink's cursor in `<data>/forward/<sink>.json`. Saved only after the
 * sink acknowledged, by write, fsync, rename and fsync of the folder, so a
 * crash leaves the old cursor or the new one: records may be sent twice,
 * never skipped.
 */
export class CursorStore {
  constructor(readonly file: string) {}

  static forSink(dataDir: string, sink: string): CursorStore {
    const dir = join(dataDir, 'forward');
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    return new CursorStore(join(dir, `${sink}.json`));
  }

  /**
   * The saved cursor, or the start when there is none. A file that cannot
   * be read as a cursor also gives the start (everything is sent again,
   * nothing skipped) and says why in `problem`.
   */
  load(): { cursor: ForwardCursor; problem?: string } {
    let text: string;
    try {
      text = readFileSync(this.file, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
        return { cursor: CURSOR_START };
      }
      return { cursor: CURSOR_START, problem: 'cannot be read' };
    }
    const cursor = parseCursor(text);
    return cursor
      ? { cursor }
      : { cursor: CURSOR_START, problem: 'is not a forwarding cursor' };
  }

  async save(cursor: ForwardCursor): Promise<void> {
    const tmp = `${this.file}.tmp`;
    const text = JSON.stringify({ version: CURSOR_VERSION, ...cursor });
    const handle = await open(tmp, 'w', 0o600);
    try {
      await handle.writeFile(`${text}\n`);
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(tmp, this.file);
    const dir = await open(dirname(this.file), 'r');
    try {
      await dir.sync();
    } finally {
      await dir.close();
    }
  }
}

function parseCursor(text: string): ForwardCursor | undefined {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (!isRecord(doc) || doc.version !== CURSOR_VERSION) return undefined;
  const { events, violations } = doc;
  if (!isRecord(events) || !isCount(violations)) return undefined;
  const { leaf, seq } = events;
  if (!Number.isSafeInteger(leaf) || (leaf as number) < -1 || !isCount(seq)) {
    return undefined;
  }
  return { events: { leaf: leaf as number, seq }, violations };
}

function isCount(value: unknown): value is number {
  return Number.isSafeInteger(value) && (value as number) >= 0;
}
