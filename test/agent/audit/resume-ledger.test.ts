import {
  appendFileSync,
  mkdtempSync,
  renameSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { LogTailer } from '../../../agent/audit/log-tailer.js';
import { AuditPipeline } from '../../../agent/audit/pipeline.js';
import { ResumeLedger } from '../../../agent/audit/resume-ledger.js';
import type { CapturedEvent } from '../../../protocol/event.js';
import { fixture, fixtureUsers, linesOf } from './helpers.js';

const LOG = fixture('debian12-linux6.18-enriched.log');

/** One run of the sensor's read loop over the log, as the sensor wires it. */
function runOnce(logFile: string, checkpointFile: string, endOfInput: boolean) {
  const serials: number[] = [];
  const events: CapturedEvent[] = [];
  const ledger = new ResumeLedger(checkpointFile);
  const pipeline = new AuditPipeline(
    {
      key: 'vfix',
      flushMs: 500,
      users: fixtureUsers(),
      skipGroup: (g) => ledger.seenBefore(g.eventKey),
    },
    (event, group) => {
      serials.push(event.audit?.serial ?? -1);
      events.push(event);
      ledger.handedOn(group.eventKey, group.lastOffset);
    },
  );
  const tailer = new LogTailer(logFile);
  const checkpoint = ledger.load();
  ledger.begin(checkpoint, tailer.open(checkpoint ?? { inode: 0, offset: 0 }));
  for (let step = tailer.read(); step.kind !== 'idle'; step = tailer.read()) {
    if (step.kind !== 'lines') continue; // open groups span a rotation
    for (const line of step.lines) pipeline.line(line.text, line.at, 0);
  }
  if (endOfInput) pipeline.flushAll();
  const from = pipeline.oldestPendingOffset() ?? tailer.reached();
  ledger.save(tailer.positionAt(from), from);
  tailer.close();
  return { serials, events, checkpoint: ledger.load() };
}

describe('ResumeLedger', () => {
  describe('when a group is handed on while an older one is still open', () => {
    it('resumes at the open group and skips the one handed on', () => {
      const dir = mkdtempSync(join(tmpdir(), 'vigil-ledger-'));
      const logFile = join(dir, 'audit.log');
      const checkpointFile = join(dir, 'checkpoint');
      // Serial 68 has no EOE (as on this machine); an EOE is added to 69 so
      // that it is handed on first.
      const older = linesOf(LOG, 68);
      const newer = [
        ...linesOf(LOG, 69),
        'type=EOE msg=audit(1796399109.366:69): ',
      ];
      writeFileSync(logFile, [...older, ...newer, ''].join('\n'));

      const first = runOnce(logFile, checkpointFile, false);
      expect(first.serials).toEqual([69]);
      expect(first.checkpoint).toMatchObject({
        offset: 0,
        done: ['1796399109.366:69'],
      });

      appendFileSync(logFile, `${linesOf(LOG, 70).join('\n')}\n`);
      const second = runOnce(logFile, checkpointFile, true);
      expect(second.serials).toEqual([68, 70]);
      // Nothing is open any more: the checkpoint is the log's end, alone.
      expect(second.checkpoint).toMatchObject({
        offset: statSync(logFile).size,
        done: [],
      });
    });
  });

  describe('when auditd rotates between two records of one event', () => {
    const create = linesOf(LOG, 70); // SYSCALL, CWD, PATH, PATH, PROCTITLE

    function rotated(): { logFile: string; checkpointFile: string } {
      const dir = mkdtempSync(join(tmpdir(), 'vigil-ledger-'));
      const logFile = join(dir, 'audit.log');
      writeFileSync(logFile, `${create.slice(0, 2).join('\n')}\n`);
      return { logFile, checkpointFile: join(dir, 'checkpoint') };
    }

    function rotate(logFile: string): void {
      renameSync(logFile, `${logFile}.1`);
      const rest = [...create.slice(2), ...linesOf(LOG, 68)];
      writeFileSync(logFile, `${rest.join('\n')}\n`);
    }

    it('joins the halves into one whole event', () => {
      const { logFile, checkpointFile } = rotated();
      runOnce(logFile, checkpointFile, false);
      rotate(logFile);
      const { events, serials } = runOnce(logFile, checkpointFile, true);
      expect(serials).toEqual([70, 68]);
      expect(events[0]).toMatchObject({
        action: 'create',
        path: '/tmp/vigil-fixture/new file',
      });
    });

    it('keeps the checkpoint in the old file while the event is open', () => {
      const { logFile, checkpointFile } = rotated();
      const oldInode = statSync(logFile).ino;
      rotate(logFile);
      const first = runOnce(logFile, checkpointFile, false);
      expect(first.serials).toEqual([]);
      expect(first.checkpoint).toMatchObject({ inode: oldInode, offset: 0 });
      const second = runOnce(logFile, checkpointFile, true);
      expect(second.serials).toEqual([70, 68]);
      expect(second.checkpoint).toMatchObject({
        inode: statSync(logFile).ino,
        offset: statSync(logFile).size,
        done: [],
      });
    });
  });
});
