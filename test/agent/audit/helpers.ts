import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { CapturedEvent } from '../../../protocol/event.js';
import { AuditPipeline } from '../../../agent/audit/pipeline.js';
import { UserDb } from '../../../agent/audit/user-db.js';

const REPO_ROOT = fileURLToPath(new URL('../../../', import.meta.url));

/** Real logs of other projects (see SOURCES.md there), if present. */
export const CORPUS_DIR = join(REPO_ROOT, '../shared/corpus/auditd');
export const HAVE_CORPUS = existsSync(CORPUS_DIR);
if (!HAVE_CORPUS) {
  console.warn(`audit corpus tests skipped: ${CORPUS_DIR} is absent`);
}

export const FIXTURE_DIR = join(REPO_ROOT, 'test/fixtures/audit');

export function corpus(name: string): string {
  return readFileSync(join(CORPUS_DIR, name), 'utf8');
}

export function fixture(name: string): string {
  return readFileSync(join(FIXTURE_DIR, name), 'utf8');
}

/** Lines of `text` whose msg=audit(…) stamp ends with one of `serials`. */
export function linesOf(text: string, ...serials: number[]): string[] {
  return text
    .split('\n')
    .filter((line) => serials.some((s) => line.includes(`:${s}):`)));
}

/**
 * A passwd/group pair standing in for the machines the logs came from:
 * uid 1000 "user", uid 1001 "vigil-fix" (the fixture's throwaway user).
 */
let usersDir: string | undefined;

export function fixtureUsers(): UserDb {
  usersDir ??= writeUserFiles();
  return new UserDb({
    passwd: join(usersDir, 'passwd'),
    group: join(usersDir, 'group'),
  });
}

function writeUserFiles(): string {
  const dir = mkdtempSync(join(tmpdir(), 'vigil-users-'));
  const passwd = join(dir, 'passwd');
  const group = join(dir, 'group');
  writeFileSync(
    passwd,
    [
      'root:x:0:0:root:/root:/bin/bash',
      'nobody:x:65534:65534:nobody:/nonexistent:/usr/sbin/nologin',
      'user:x:1000:1000::/home/user:/bin/bash',
      'vigil-fix:x:1001:1001::/nonexistent:/usr/sbin/nologin',
      '',
    ].join('\n'),
  );
  writeFileSync(
    group,
    [
      'root:x:0:',
      'nogroup:x:65534:',
      'user:x:1000:',
      'vigil-fix:x:1001:',
      'analysts:x:2000:user,vigil-fix',
      '',
    ].join('\n'),
  );
  return dir;
}

/** Runs log text through the pipeline as one finished input. */
export function eventsOf(
  text: string | string[],
  key: string,
): { events: CapturedEvent[]; pipeline: AuditPipeline } {
  const events: CapturedEvent[] = [];
  const pipeline = new AuditPipeline(
    { key, flushMs: 500, users: fixtureUsers() },
    (event) => events.push(event),
  );
  const lines = typeof text === 'string' ? text.split('\n') : text;
  for (const line of lines) pipeline.line(line, 0, 0);
  pipeline.flushAll();
  return { events, pipeline };
}
