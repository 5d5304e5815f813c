import {
  appendFileSync,
  mkdtempSync,
  renameSync,
  statSync,
  truncateSync,
  unlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { LogTailer, type TailStep } from '../../../agent/audit/log-tailer.js';

let tailer: LogTailer | undefined;
afterEach(() => tailer?.close());

function newLog(content = ''): string {
  const file = join(mkdtempSync(join(tmpdir(), 'vigil-tail-')), 'audit.log');
  writeFileSync(file, content);
  return file;
}

function open(file: string, position?: { inode: number; offset: number }) {
  tailer = new LogTailer(file);
  const resumed = tailer.open(position);
  return { t: tailer, resumed };
}

/** Every step until idle, lines shown as text and `|` for a file change. */
function drain(t: LogTailer): string[] {
  const seen: string[] = [];
  for (let step: TailStep = t.read(); step.kind !== 'idle'; step = t.read()) {
    if (step.kind === 'next-file') seen.push('|');
    else seen.push(...step.lines.map((l) => l.text));
  }
  return seen;
}

describe('LogTailer', () => {
  describe('when there is no checkpoint', () => {
    it('starts at the end of the log and reads what is appended', () => {
      const file = newLog('old 1\nold 2\n');
      const { t } = open(file);
      expect(drain(t)).toEqual([]);
      appendFileSync(file, 'new 1\nnew 2\n');
      const step = t.read();
      expect(step).toEqual({
        kind: 'lines',
        lines: [
          { text: 'new 1', offset: 12, at: 12 },
          { text: 'new 2', offset: 18, at: 18 },
        ],
      });
      expect(t.position()).toMatchObject({
        inode: statSync(file).ino,
        offset: 24,
      });
    });
  });

  describe('when a line is still being written', () => {
    it('waits for its newline', () => {
      const file = newLog();
      const { t } = open(file);
      appendFileSync(file, 'half');
      expect(drain(t)).toEqual([]);
      appendFileSync(file, ' done\n');
      expect(drain(t)).toEqual(['half done']);
    });
  });

  describe('when auditd rotates the log', () => {
    it('finishes the old file, then reads the new one from its start', () => {
      const file = newLog();
      const { t } = open(file);
      appendFileSync(file, 'a\n');
      expect(drain(t)).toEqual(['a']);
      appendFileSync(file, 'b\nlast without newline');
      renameSync(file, `${file}.1`);
      writeFileSync(file, 'c\n');
      expect(drain(t)).toEqual(['b', 'last without newline', '|', 'c']);
      expect(t.position()).toMatchObject({
        inode: statSync(file).ino,
        offset: 2,
      });
    });
  });

  describe('when a position is asked for in a file already finished', () => {
    it('names that file, until a later position passes it', () => {
      const file = newLog();
      const { t } = open(file);
      const oldInode = statSync(file).ino;
      appendFileSync(file, 'a\nb\n');
      renameSync(file, `${file}.1`);
      writeFileSync(file, 'c\n');
      const lines: { text: string; at: number }[] = [];
      for (let s = t.read(); s.kind !== 'idle'; s = t.read()) {
        if (s.kind === 'lines') lines.push(...s.lines);
      }
      expect(lines.map((l) => [l.text, l.at])).toEqual([
        ['a', 0],
        ['b', 2],
        ['c', 4],
      ]);
      expect(t.reached()).toBe(6);
      expect(t.positionAt(2)).toMatchObject({ inode: oldInode, offset: 2 });
      const newer = t.positionAt(5);
      expect(newer).toMatchObject({ inode: statSync(file).ino, offset: 1 });
      expect(t.positionAt(5)).toEqual(newer);
    });
  });

  describe('when the log is truncated in place', () => {
    it('starts over from its top', () => {
      const file = newLog();
      const { t } = open(file);
      appendFileSync(file, 'one\ntwo\n');
      expect(drain(t)).toEqual(['one', 'two']);
      truncateSync(file, 0);
      appendFileSync(file, 'x\n');
      expect(drain(t)).toEqual(['|', 'x']);
    });
  });

  describe('when the checkpoint is in a file rotated since', () => {
    it('reads on from there through every newer file', () => {
      const file = newLog('old\nmid\n');
      const position = { inode: statSync(file).ino, offset: 4 };
      renameSync(file, `${file}.1`);
      writeFileSync(file, 'second\n');
      renameSync(`${file}.1`, `${file}.2`);
      renameSync(file, `${file}.1`);
      writeFileSync(file, 'third\n');
      const { t, resumed } = open(file, position);
      expect(resumed).toBe(true);
      expect(drain(t)).toEqual(['mid', '|', 'second', '|', 'third']);
    });
  });

  describe('when the checkpoint file was rotated away', () => {
    it('says so and reads every log still on disk', () => {
      const file = newLog('gone\n');
      const position = open(file).t.position();
      tailer?.close();
      renameSync(file, `${file}.1`);
      writeFileSync(file, 'kept 1\n');
      unlinkSync(`${file}.1`); // auditd dropped it past num_logs
      writeFileSync(`${file}.1`, 'kept 0\n');
      const { t, resumed } = open(file, position);
      expect(resumed).toBe(false);
      expect(drain(t)).toEqual(['kept 0', '|', 'kept 1']);
    });
  });

  describe('when the log does not exist', () => {
    it('throws VIGIL_AUDIT_LOG_UNREADABLE', () => {
      tailer = new LogTailer('/nonexistent/audit.log');
      expect(() => tailer?.open()).toThrow(
        expect.objectContaining({ code: 'VIGIL_AUDIT_LOG_UNREADABLE' }),
      );
    });
  });
});
