import { execFileSync } from 'node:child_process';
import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Recorder, removeDir, sha256, tempDir, waitFor } from './helpers.js';

describe('FsSensor', () => {
  let root: string;
  let recorder: Recorder | undefined;

  beforeEach(() => {
    root = tempDir();
  });

  afterEach(async () => {
    await recorder?.sensor.stop();
    recorder = undefined;
    removeDir(root);
  });

  describe('when a directory tree is moved in from outside the root', () => {
    let outside: string;

    beforeEach(() => {
      outside = tempDir('vigil-fs-outside-');
    });

    afterEach(() => removeDir(outside));

    it('reports a create for every file and sees later edits', async () => {
      const tree = join(outside, 'customers');
      mkdirSync(join(tree, 'eu', 'de'), { recursive: true });
      const names = ['a.csv', 'eu/b.csv', 'eu/de/c.csv', 'eu/de/d.csv'];
      for (const name of names) writeFileSync(join(tree, name), name);
      recorder = await Recorder.start({ paths: [root] });
      renameSync(tree, join(root, 'customers'));
      const moved = names.map((name) => join(root, 'customers', name));
      for (const path of moved) await recorder.waitFor('create', path);
      expect(recorder.at('create', moved[2] ?? '')[0]?.file?.sha256).toBe(
        sha256('eu/de/c.csv'),
      );
      writeFileSync(moved[3] ?? '', 'edited');
      await recorder.waitFor('write', moved[3] ?? '');
    });
  });

  describe('when one shell command makes directories and a file', () => {
    it('reports the create of the file each time', async () => {
      recorder = await Recorder.start({ paths: [root] });
      // Several rounds: the race between listing and watching is narrow.
      for (const n of [1, 2, 3, 4, 5]) {
        const dir = join(root, `new${n}`, 'sub');
        execFileSync('sh', ['-c', `mkdir -p ${dir} && echo x > ${dir}/f`]);
        await recorder.waitFor('create', join(dir, 'f'));
        expect(recorder.at('create', join(dir, 'f'))[0]?.file?.sha256).toBe(
          sha256('x\n'),
        );
      }
    });
  });

  describe('when a script makes a hundred directory trees at once', () => {
    it('reports a create for every file in them', async () => {
      recorder = await Recorder.start({ paths: [root] });
      const script =
        'for i in $(seq 100); do mkdir -p d$i/s; echo $i > d$i/s/f; done';
      execFileSync('sh', ['-c', script], { cwd: root });
      await waitFor(
        () => recorder?.events.length === 100,
        `100 creates; saw ${recorder.events.length}`,
      );
      await recorder.quiet();
      expect(recorder.events.filter((e) => e.action === 'create')).toHaveLength(
        100,
      );
    });
  });

  describe('when a watched directory is removed with its files', () => {
    it('reports a delete for each file', async () => {
      const data = join(root, 'data');
      mkdirSync(join(data, 'sub'), { recursive: true });
      writeFileSync(join(data, 'a'), 'a');
      writeFileSync(join(data, 'sub', 'b'), 'b');
      recorder = await Recorder.start({ paths: [data] });
      removeDir(data);
      await recorder.waitFor('delete', join(data, 'a'));
      await recorder.waitFor('delete', join(data, 'sub', 'b'));
      await recorder.quiet();
      expect(recorder.events).toHaveLength(2);
    });
  });

  describe('when a known file is moved inside the root', () => {
    it('reports one rename from the old to the new path', async () => {
      const from = join(root, 'q1.pdf');
      const to = join(root, 'archive', 'q1.pdf');
      writeFileSync(from, 'report');
      mkdirSync(join(root, 'archive'));
      recorder = await Recorder.start({ paths: [root] });
      renameSync(from, to);
      await recorder.waitFor('rename', to);
      await recorder.quiet();
      expect(recorder.events).toHaveLength(1);
      expect(recorder.events[0]).toMatchObject({ path: from, target: to });
    });
  });

  describe('when a directory is renamed inside the root', () => {
    it('reports a rename for each file in it', async () => {
      mkdirSync(join(root, 'draft', 'parts'), { recursive: true });
      writeFileSync(join(root, 'draft', 'a'), 'a');
      writeFileSync(join(root, 'draft', 'parts', 'b'), 'b');
      recorder = await Recorder.start({ paths: [root] });
      renameSync(join(root, 'draft'), join(root, 'final'));
      await recorder.waitFor('rename', join(root, 'final', 'a'));
      await recorder.waitFor('rename', join(root, 'final', 'parts', 'b'));
      await recorder.quiet();
      expect(recorder.events).toHaveLength(2);
      expect(recorder.at('rename', join(root, 'final', 'a'))[0]?.path).toBe(
        join(root, 'draft', 'a'),
      );
    });
  });

  describe('when a root does not exist yet', () => {
    it('reports files once it appears', async () => {
      const later = join(root, 'later');
      recorder = await Recorder.start({ paths: [later] });
      mkdirSync(later);
      writeFileSync(join(later, 'f'), 'f');
      await recorder.waitFor('create', join(later, 'f'));
    });
  });

  describe('when the root directory is swapped for another', () => {
    it('reports the new tree against the old and follows the new one', async () => {
      const data = join(root, 'data');
      mkdirSync(data);
      mkdirSync(`${data}.new`);
      writeFileSync(join(data, 'a'), 'old');
      writeFileSync(join(`${data}.new`, 'a'), 'new');
      writeFileSync(join(`${data}.new`, 'b'), 'b');
      recorder = await Recorder.start({ paths: [data] });
      renameSync(data, `${data}.old`);
      renameSync(`${data}.new`, data);
      await recorder.waitFor('create', join(data, 'b'));
      await recorder.waitFor('write', join(data, 'a'));
      writeFileSync(join(`${data}.old`, 'a'), 'moved away');
      writeFileSync(join(data, 'b'), 'edited');
      await recorder.waitFor('write', join(data, 'b'));
      await recorder.quiet();
      expect(
        recorder.about(join(data, 'a')).map((e) => e.file?.sha256),
      ).toEqual([sha256('new')]);
    });
  });
});
