import {
  readCheckpoint,
  writeCheckpoint,
  type Checkpoint,
} from './checkpoint.js';
import type { TailPosition } from './log-tailer.js';

/**
 * Keeps the checkpoint honest. It stays at the first record of the oldest
 * group not yet handed on, so a restart reads that group again; groups
 * handed on after that point are listed, so a restart skips them instead of
 * handing them on twice.
 */
export class ResumeLedger {
  private skip = new Set<string>();
  private handed: { key: string; lastOffset: number }[] = [];
  private saved = '';

  constructor(private readonly file: string) {}

  load(): Checkpoint | undefined {
    return readCheckpoint(this.file);
  }

  /** Starts from `checkpoint`; its list only holds if its file was found. */
  begin(checkpoint: Checkpoint | undefined, resumed: boolean): void {
    this.skip = new Set(resumed ? checkpoint?.done : []);
  }

  /** True (once) for a group handed on before the restart. */
  seenBefore(eventKey: string): boolean {
    return this.skip.delete(eventKey);
  }

  handedOn(eventKey: string, lastOffset: number): void {
    this.handed.push({ key: eventKey, lastOffset });
  }

  /** Offsets restart at a new file; older lists no longer apply. */
  nextFile(): void {
    this.handed = [];
    this.skip.clear();
  }

  /** Writes the checkpoint if it changed. */
  save(position: TailPosition, oldestOpen: number | undefined): void {
    const offset = Math.min(oldestOpen ?? position.offset, position.offset);
    this.handed = this.handed.filter((h) => h.lastOffset >= offset);
    const done = [...this.handed.map((h) => h.key), ...this.skip];
    const { inode, head } = position;
    const checkpoint: Checkpoint = { inode, offset, done };
    if (head !== undefined) checkpoint.head = head;
    const text = JSON.stringify(checkpoint);
    if (text === this.saved) return;
    writeCheckpoint(this.file, checkpoint);
    this.saved = text;
  }
}
