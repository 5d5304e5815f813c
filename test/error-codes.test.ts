import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { AUDIT_ERROR_CODES } from '../agent/audit/errors.js';
import { AGENT_ERROR_CODES } from '../agent/errors.js';
import { FS_ERROR_CODES } from '../agent/fs/errors.js';
import { COLLECTOR_ERROR_CODES } from '../collector/errors.js';
import { FORWARD_ERROR_CODES } from '../collector/forward/errors.js';
import { POLICY_ERROR_CODES } from '../collector/policy/errors.js';
import { POLICY_LINT_CODES } from '../collector/policy/lint-issue.js';
import { BUNDLE_ERROR_CODES } from '../protocol/bundle.js';
import { PROTOCOL_ERROR_CODES } from '../protocol/errors.js';
import { MERKLE_ERROR_CODES } from '../protocol/merkle-error.js';
import { NOTE_ERROR_CODES } from '../protocol/note-error.js';

const LISTS: Record<string, readonly string[]> = {
  protocol: PROTOCOL_ERROR_CODES,
  bundle: BUNDLE_ERROR_CODES,
  merkle: MERKLE_ERROR_CODES,
  note: NOTE_ERROR_CODES,
  collector: COLLECTOR_ERROR_CODES,
  forward: FORWARD_ERROR_CODES,
  policy: POLICY_ERROR_CODES,
  'policy lint': POLICY_LINT_CODES,
  agent: AGENT_ERROR_CODES,
  audit: AUDIT_ERROR_CODES,
  fs: FS_ERROR_CODES,
};

const ALL = Object.values(LISTS).flat();

describe('error codes', () => {
  it('are unique across every domain', () => {
    const seen = new Set<string>();
    const twice = ALL.filter((code) => seen.size === seen.add(code).size);
    expect(twice).toEqual([]);
  });

  it('are all stable VIGIL_ codes', () => {
    expect(ALL.filter((code) => !/^VIGIL_[A-Z0-9_]+$/.test(code))).toEqual([]);
  });

  it('are exactly the codes listed in docs/errors.md', () => {
    const doc = readFileSync(
      join(import.meta.dirname, '..', 'docs', 'errors.md'),
      'utf8',
    );
    const documented = [...doc.matchAll(/^\| `(VIGIL_[A-Z0-9_]+)` +\|/gm)].map(
      (m) => m[1],
    );
    expect([...documented].sort()).toEqual([...ALL].sort());
  });
});
