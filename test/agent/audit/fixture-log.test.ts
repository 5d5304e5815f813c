import { describe, expect, it } from 'vitest';
import { eventsOf, fixture, linesOf } from './helpers.js';

const LOG = fixture('debian12-linux6.18-enriched.log');
const D = '/tmp/vigil-fixture';

function summary(key: string) {
  return eventsOf(LOG, key).events.map((e) => ({
    action: e.action,
    outcome: e.outcome,
    path: e.path,
    ...(e.target === undefined ? {} : { target: e.target }),
    login: e.user?.login,
    name: e.user?.name,
    process: e.process?.name,
  }));
}

describe('audit pipeline on a log captured on this machine', () => {
  describe('when the log is ENRICHED and has no EOE records', () => {
    it('turns each access into one event, in order', () => {
      const root = { login: 'unset', name: 'root' };
      expect(summary('vfix')).toEqual([
        {
          action: 'read',
          outcome: 'success',
          path: `${D}/a`,
          ...root,
          process: 'cat',
        },
        {
          action: 'write',
          outcome: 'success',
          path: `${D}/a`,
          ...root,
          process: 'bash',
        },
        {
          action: 'create',
          outcome: 'success',
          path: `${D}/new file`,
          ...root,
          process: 'bash',
        },
        {
          action: 'create',
          outcome: 'success',
          path: `${D}/données`,
          ...root,
          process: 'mkdir',
        },
        {
          action: 'rename',
          outcome: 'success',
          path: `${D}/new file`,
          target: `${D}/données/é.txt`,
          ...root,
          process: 'mv',
        },
        {
          action: 'read',
          outcome: 'success',
          path: `${D}/a`,
          ...root,
          process: 'cat',
        },
        {
          action: 'read',
          outcome: 'success',
          path: `${D}/données`,
          ...root,
          process: 'rm',
        },
        {
          action: 'read',
          outcome: 'success',
          path: `${D}/données`,
          ...root,
          process: 'rm',
        },
        {
          action: 'delete',
          outcome: 'success',
          path: `${D}/données/é.txt`,
          ...root,
          process: 'rm',
        },
        {
          action: 'delete',
          outcome: 'success',
          path: `${D}/données`,
          ...root,
          process: 'rm',
        },
        {
          action: 'chmod',
          outcome: 'success',
          path: `${D}/a`,
          ...root,
          process: 'chmod',
        },
        {
          action: 'chown',
          outcome: 'success',
          path: `${D}/a`,
          ...root,
          process: 'chown',
        },
        {
          action: 'link',
          outcome: 'success',
          path: `${D}/a`,
          target: `${D}/hard`,
          ...root,
          process: 'ln',
        },
        {
          action: 'link',
          outcome: 'success',
          path: `${D}/a`,
          target: `${D}/soft`,
          ...root,
          process: 'ln',
        },
        {
          action: 'read',
          outcome: 'denied',
          path: `${D}/a`,
          login: 'unset',
          name: 'vigil-fix',
          process: 'cat',
        },
        {
          action: 'read',
          outcome: 'denied',
          path: `${D}/a`,
          login: 'vigil-fix',
          name: 'vigil-fix',
          process: 'cat',
        },
        {
          action: 'read',
          outcome: 'success',
          path: `${D}/a`,
          login: 'vigil-fix',
          name: 'root',
          process: 'cat',
        },
        {
          action: 'delete',
          outcome: 'success',
          path: `${D}/hard`,
          ...root,
          process: 'rm',
        },
        {
          action: 'delete',
          outcome: 'success',
          path: `${D}/soft`,
          ...root,
          process: 'rm',
        },
      ]);
    });

    it('keeps the kernel time to the millisecond', () => {
      const [first] = eventsOf(LOG, 'vfix').events;
      expect(first?.time).toBe('2026-12-04T15:45:09.362Z');
      expect(first?.audit).toEqual({
        serial: 68,
        syscall: 'openat',
        key: 'vfix',
      });
    });
  });

  describe('when rm -r deletes under a directory fd', () => {
    it('names the file by the directory it learnt earlier, not the cwd', () => {
      const events = eventsOf(LOG, 'vfix').events;
      const unlink = events.find((e) => e.audit?.serial === 76);
      expect(unlink?.path).toBe(`${D}/données/é.txt`);
    });
  });

  describe('when a group lacks its CWD record', () => {
    const withoutCwd = (serial: number) =>
      linesOf(LOG, serial).filter((l) => !l.startsWith('type=CWD'));

    it('still builds the event when every name is absolute', () => {
      const { events } = eventsOf(withoutCwd(68), 'vfix');
      expect(events[0]?.path).toBe(`${D}/a`);
    });

    it('counts a relative name as malformed rather than guess', () => {
      const { events, pipeline } = eventsOf(withoutCwd(73), 'vfix');
      expect(events).toHaveLength(0);
      expect(pipeline.stats.malformed).toBe(1);
    });
  });

  describe('when the kernel dropped a PATH record of the group', () => {
    it('counts a create without its CREATE item as malformed', () => {
      const lines = linesOf(LOG, 70).filter((l) => !l.includes('CREATE'));
      const { events, pipeline } = eventsOf(lines, 'vfix');
      // Guessing would name the directory as the file created.
      expect(events).toHaveLength(0);
      expect(pipeline.stats.malformed).toBe(1);
    });
  });
});
