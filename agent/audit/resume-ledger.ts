import {
  readCheckpoint,
  writeCheckpoint,
  type Checkpoint,
} from './checkpoint.js';
import type { TailPosition } from './log-tailer.js';
import type { LostMark } from './loss-watch.js';

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

  /** A group whose last record is at line position `lastOffset`. */
  handedOn(eventKey: string, lastOffset: number): void {
    this.handed.push({ key: eventKey, lastOffset });
  }

  /**
   * Writes the checkpoint if it changed: reading resumes at `position`,
   * the file and offset of line position `from` (LogLine.at), with the
   * lost counter as far as it was reported. Every event handed on must be
   * durable by now.
   */
  save(position: TailPosition, from: number, lost?: LostMark): void {
    this.handed = this.handed.filter((h) => h.lastOffset >= from);
    const done = [...this.handed.map((h) => h.key), ...this.skip];
    const { inode, offset, head } = position;
    const checkpoint: Checkpoint = { inode, offset, done };
    if (head !== undefined) checkpoint.head = head;
    if (lost !== undefined) checkpoint.lost = lost;
    const text = JSON.stringify(checkpoint);
    if (text === this.saved) return;
    writeCheckpoint(this.file, checkpoint);
    this.saved = text;
  }
}
