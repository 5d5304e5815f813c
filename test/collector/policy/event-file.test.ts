import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  EVENT_FILE_MAX_BYTES,
  readEventFile,
} from '../../../collector/policy/event-file.js';
import { policyError } from './helpers.js';

const root = mkdtempSync(join(tmpdir(), 'vigil-event-file-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

function file(name: string, content: string | Buffer): string {
  const path = join(root, name);
  writeFileSync(path, content);
  return path;
}

describe('readEventFile', () => {
  describe('when the file holds a partial event', () => {
    it('completes it like a policy test case', () => {
      const path = file(
        'partial.json',
        JSON.stringify({
          path: '/srv/data/a.csv',
          agent: { vendor: 'acme-sub' },
          user: { login: 'li.wei', groups: ['analysts'] },
        }),
      );
      expect(readEventFile(path)).toMatchObject({
        seq: 1,
        source: 'audit',
        action: 'read',
        outcome: 'success',
        path: '/srv/data/a.csv',
        agent: { id: 'agent-test', vendor: 'acme-sub' },
        user: { login: 'li.wei', name: 'li.wei', groups: ['analysts'] },
        process: null,
      });
    });
  });

  describe('when the file is bad', () => {
    it.each([
      [
        'not JSON',
        '{"path": "/srv/secret-value',
        'is not valid JSON',
        undefined,
      ],
      [
        'a JSON list',
        '[{"path": "/a"}]',
        'must hold one JSON object',
        undefined,
      ],
      [
        'a bad field',
        '{"path": "/a", "action": "erase"}',
        'allowed values',
        'action',
      ],
      [
        'a bad nested field',
        '{"path": "/a", "agent": {"id": 7}}',
        'string',
        'agent.id',
      ],
    ])(
      'refuses %s with a PolicyError naming the file',
      (_what, text, says, field) => {
        const path = file('bad.json', text);
        const error = policyError(
          () => readEventFile(path),
          'VIGIL_POLICY_EVENT_INVALID',
        );
        expect(error).not.toBeInstanceOf(SyntaxError);
        expect(error.file).toBe(path);
        expect(error.field).toBe(field);
        expect(error.message).toContain(says);
        expect(error.message).not.toContain('secret-value');
      },
    );

    it('refuses bytes that are not UTF-8', () => {
      const path = file('latin1.json', Buffer.from([0x7b, 0xe9, 0x7d]));
      policyError(() => readEventFile(path), 'VIGIL_POLICY_EVENT_INVALID');
    });

    it('refuses a missing file', () => {
      const path = join(root, 'missing.json');
      const error = policyError(
        () => readEventFile(path),
        'VIGIL_POLICY_EVENT_UNREADABLE',
      );
      expect(error.message).toBe(`${path}: cannot be read (ENOENT)`);
    });

    it('refuses a file over the size limit before reading it', () => {
      const path = file('big.json', ' '.repeat(EVENT_FILE_MAX_BYTES + 1));
      const error = policyError(
        () => readEventFile(path),
        'VIGIL_POLICY_EVENT_UNREADABLE',
      );
      expect(error.message).toContain('the limit is');
    });
  });
});
