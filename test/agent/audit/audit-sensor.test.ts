import { execFileSync, spawnSync } from 'node:child_process';
import {
  chmodSync,
  linkSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AuditSensor } from '../../../agent/audit/audit-sensor.js';
import { listRules, removeRules } from '../../../agent/audit/rules.js';
import type { CapturedEvent } from '../../../protocol/event.js';
import {
  addTestUser,
  removeTestUser,
  requireLiveAudit,
  SKIP_LIVE,
  waitFor,
} from './live.js';

const KEY = `vigil-s${process.pid}`;
const USER = `vigil-test-${process.pid}`;
const FAST = { flushMs: 300, pollMs: 50 };

function run(command: string, ...args: string[]): void {
  spawnSync(command, args, { stdio: 'ignore' });
}

function find(
  events: CapturedEvent[],
  action: string,
  path: string,
): CapturedEvent | undefined {
  return events.find((e) => e.action === action && e.path === path);
}

describe.skipIf(SKIP_LIVE)('AuditSensor on this machine (live)', () => {
  let dir: string;
  let uid: number;

  beforeAll(() => {
    requireLiveAudit();
    dir = mkdtempSync(join(tmpdir(), 'vigil-live-'));
    chmodSync(dir, 0o755);
    uid = addTestUser(USER);
  });

  afterAll(async () => {
    await removeRules(KEY).catch(() => undefined);
    removeTestUser(USER);
    rmSync(dir, { recursive: true, force: true });
  });

  describe('when people touch files under a watched directory', () => {
    const events: CapturedEvent[] = [];
    let sensor: AuditSensor;
    let data: string;

    beforeAll(async () => {
      data = join(dir, 'data');
      mkdirSync(data);
      writeFileSync(join(data, 'secret'), 'top secret\n', { mode: 0o600 });
      writeFileSync(join(data, 'notes'), 'notes\n', { mode: 0o644 });
      sensor = new AuditSensor(
        // The checkpoint sits inside the watched tree on purpose: the
        // sensor's own writes to it must never show up.
        { paths: [data], key: KEY, checkpointFile: join(data, 'cp'), ...FAST },
        (event) => events.push(event),
      );
      await sensor.start();
      readFileSync(join(data, 'notes')); // this process: excluded
      run('cat', join(data, 'notes'));
      run('sh', '-c', `echo more >> '${join(data, 'notes')}'`);
      run('sh', '-c', `echo new > '${join(data, 'new file')}'`);
      run('mv', join(data, 'new file'), join(data, 'moved é'));
      run('chmod', '0640', join(data, 'moved é'));
      run('rm', join(data, 'moved é'));
      run('runuser', '-u', USER, '--', 'cat', join(data, 'secret'));
      run(
        'sh',
        '-c',
        `echo ${uid} > /proc/self/loginuid; exec cat '${join(data, 'notes')}'`,
      );
      await waitFor(
        () => events.some((e) => e.user?.login === USER),
        'the last access',
      );
    });

    afterAll(async () => {
      await sensor.stop();
    });

    it('reports a read by cat with the program and the user', () => {
      expect(find(events, 'read', join(data, 'notes'))).toMatchObject({
        source: 'audit',
        outcome: 'success',
        user: { login: 'unset', name: 'root', effective: 'root', uid: 0 },
        process: { name: 'cat', exe: '/usr/bin/cat' },
        audit: { syscall: 'openat', key: KEY },
      });
    });

    it('reports a write, a create, a rename, a chmod and a delete', () => {
      expect(find(events, 'write', join(data, 'notes'))?.outcome).toBe(
        'success',
      );
      expect(find(events, 'create', join(data, 'new file'))).toBeDefined();
      expect(find(events, 'rename', join(data, 'new file'))?.target).toBe(
        join(data, 'moved é'),
      );
      expect(find(events, 'chmod', join(data, 'moved é'))).toBeDefined();
      expect(find(events, 'delete', join(data, 'moved é'))).toMatchObject({
        outcome: 'success',
        process: { name: 'rm' },
      });
    });

    it('reports a refused read as denied, by the user who tried', () => {
      expect(find(events, 'read', join(data, 'secret'))).toMatchObject({
        outcome: 'denied',
        user: { login: 'unset', name: USER, uid, effective: USER },
        process: { name: 'cat' },
      });
    });

    it('names the logged-in person when the login uid is set', () => {
      const event = events.find((e) => e.user?.login === USER);
      expect(event).toMatchObject({
        action: 'read',
        path: join(data, 'notes'),
        user: { login: USER, auid: uid, name: 'root', groups: [USER] },
      });
    });

    it('never reports its own process', () => {
      expect(events.filter((e) => e.process?.pid === process.pid)).toEqual([]);
      expect(events.some((e) => e.path === join(data, 'cp'))).toBe(false);
    });

    it('counts records and events and has no malformed lines', () => {
      expect(sensor.stats.events).toBe(events.length);
      expect(sensor.stats.records).toBeGreaterThan(events.length);
      expect(sensor.stats.malformed).toBe(0);
    });
  });

  describe('when the sensor stops and a new one starts from its checkpoint', () => {
    it('delivers an access made in between exactly once', async () => {
      const watched = join(dir, 'restart');
      mkdirSync(watched);
      for (const name of ['before', 'between', 'after']) {
        writeFileSync(join(watched, name), name);
      }
      const checkpointFile = join(dir, 'restart.checkpoint');
      const options = { paths: [watched], key: KEY, checkpointFile, ...FAST };
      const first: CapturedEvent[] = [];
      const second: CapturedEvent[] = [];

      const a = new AuditSensor(options, (e) => first.push(e));
      await a.start();
      run('cat', join(watched, 'before'));
      await waitFor(
        () => !!find(first, 'read', join(watched, 'before')),
        'before',
      );
      await a.stop({ keepRules: true });

      run('cat', join(watched, 'between'));

      const b = new AuditSensor(options, (e) => second.push(e));
      await b.start();
      run('cat', join(watched, 'after'));
      await waitFor(
        () => !!find(second, 'read', join(watched, 'after')),
        'after',
      );
      await b.stop();

      const reads = (events: CapturedEvent[], name: string) =>
        events.filter((e) => e.path === join(watched, name)).length;
      expect(reads(first, 'between')).toBe(0);
      expect(reads(second, 'between')).toBe(1);
      expect(reads(second, 'before')).toBe(0);
      expect(await listRules(KEY)).toEqual([]);
    });
  });

  describe('when a watched file is reached through a link outside', () => {
    it('names the watched path and keeps the name used as via', async () => {
      const tree = join(dir, 'linked');
      const single = join(dir, 'single');
      const outside = join(dir, 'outside');
      for (const d of [tree, single, outside]) mkdirSync(d);
      writeFileSync(join(tree, 'secret'), 'x');
      writeFileSync(join(single, 'file'), 'y');
      symlinkSync(join(tree, 'secret'), join(outside, 'soft'));
      linkSync(join(single, 'file'), join(outside, 'hard'));
      const seen: CapturedEvent[] = [];
      const sensor = new AuditSensor(
        {
          paths: [tree, join(single, 'file')],
          key: KEY,
          checkpointFile: join(dir, 'links.checkpoint'),
          ...FAST,
        },
        (e) => seen.push(e),
      );
      await sensor.start();
      run('cat', join(outside, 'soft'));
      run('cat', join(outside, 'hard'));
      await waitFor(() => seen.length >= 2, 'both reads');
      await sensor.stop();
      expect(seen.map((e) => [e.action, e.path, e.via])).toEqual([
        ['read', join(tree, 'secret'), join(outside, 'soft')],
        ['read', join(single, 'file'), join(outside, 'hard')],
      ]);
    });
  });

  describe('when auditd rotates the log, running or stopped', () => {
    it('reads the old file to its end and each access once', async () => {
      const watched = join(dir, 'rotate');
      mkdirSync(watched);
      const names = ['a', 'b', 'c', 'd', 'e'];
      for (const name of names) writeFileSync(join(watched, name), name);
      const options = {
        paths: [watched],
        key: KEY,
        checkpointFile: join(dir, 'rotate.checkpoint'),
        ...FAST,
      };
      const seen: CapturedEvent[] = [];
      const read = (name: string) => run('cat', join(watched, name));
      const has = (name: string) => () =>
        !!find(seen, 'read', join(watched, name));
      const rotate = () => run('auditctl', '--signal', 'USR1');

      const a = new AuditSensor(options, (e) => seen.push(e));
      await a.start();
      read('a');
      await waitFor(has('a'), 'a');
      read('b'); // likely still unread in the old file when it rotates
      rotate();
      read('c');
      await waitFor(has('c'), 'c');
      await a.stop({ keepRules: true });
      read('d');
      rotate();
      read('e');
      const b = new AuditSensor(options, (e) => seen.push(e));
      await b.start();
      await waitFor(has('e'), 'e');
      await b.stop();

      for (const name of names) {
        const reads = seen.filter((e) => e.path === join(watched, name));
        expect(reads.map((e) => e.action)).toEqual(['read']);
      }
      expect(seen.some((e) => e.source !== 'audit')).toBe(false);
    });
  });

  describe('when the sensor stops normally', () => {
    it('removes its rules and nothing else', async () => {
      const other = `${KEY}-keep`;
      execFileSync('auditctl', ['-w', dir, '-p', 'r', '-k', other]);
      const sensor = new AuditSensor(
        { paths: [dir], key: KEY, checkpointFile: join(dir, 'cp3'), ...FAST },
        () => undefined,
      );
      await sensor.start();
      expect(await listRules(KEY)).toHaveLength(1);
      await sensor.stop();
      expect(await listRules(KEY)).toEqual([]);
      expect(await listRules(other)).toHaveLength(1);
      await removeRules(other);
    });
  });
});
