import { describe, expect, it } from 'vitest';
import type { AgentConfig } from '../../agent/config.js';
import type { AccessEvent } from '../../protocol/event.js';
import { ACCESS_ACTIONS, META_ACTIONS } from '../../protocol/event.js';
import accessEventSchema from '../../schemas/access-event.schema.json' with { type: 'json' };
import agentConfigSchema from '../../schemas/agent-config.schema.json' with { type: 'json' };
import { validateAccessEvent } from '../../schemas/validate.js';

/**
 * An event with every optional field set. `Required<…>` makes the compiler
 * fail here when a field is added to the type; the assertions below fail
 * when the schema and the type list different fields.
 */
const FULL: Required<AccessEvent> = {
  seq: 7,
  prev: 'a'.repeat(64),
  time: '2026-12-04T15:32:13.414Z',
  agent: { id: 'acme-1', vendor: 'acme', host: 'build-7' },
  source: 'audit',
  action: 'rename',
  outcome: 'success',
  path: '/srv/data/a.csv',
  target: '/srv/data/b.csv',
  via: '/home/bob/link.csv',
  user: {
    login: 'bob',
    name: 'bob',
    uid: 1001,
    auid: 1001,
    effective: 'bob',
    euid: 1001,
    groups: ['analysts'],
  },
  process: {
    pid: 42,
    ppid: 1,
    exe: '/usr/bin/mv',
    name: 'mv',
    cmdline: 'mv a.csv b.csv',
  },
  file: {
    size: 10,
    mode: '0100644',
    owner: 1001,
    inode: 99,
    sha256: 'b'.repeat(64),
  },
  audit: { serial: 12, syscall: 'renameat2', key: 'vigil' },
  detail: {},
};

const keys = (o: object) => Object.keys(o).sort();
const props = (schema: { properties?: object }) =>
  keys(schema.properties ?? {});

describe('TypeScript types and JSON Schemas', () => {
  it('give the access event the same fields', () => {
    expect(props(accessEventSchema)).toEqual(keys(FULL));
    const nested = accessEventSchema.properties;
    expect(props(nested.agent)).toEqual(keys(FULL.agent));
    expect(props(nested.user.oneOf[1]!)).toEqual(keys(FULL.user!));
    expect(props(nested.process.oneOf[1]!)).toEqual(keys(FULL.process!));
    expect(props(nested.file)).toEqual(keys(FULL.file));
    expect(props(nested.audit)).toEqual(keys(FULL.audit));
    expect(validateAccessEvent(FULL)).toEqual(FULL);
  });

  it('give the access event the same actions', () => {
    expect([...accessEventSchema.properties.action.enum].sort()).toEqual(
      [...ACCESS_ACTIONS, ...META_ACTIONS].sort(),
    );
  });

  it('give the agent config a key for every setting', () => {
    const settings: Record<keyof AgentConfig, string> = {
      collector: 'collector',
      state: 'state',
      watch: 'watch',
      batch: 'batch',
      spool: 'spool',
      sensors: 'sensors',
      heartbeatMs: 'heartbeat',
      designatedRefreshMs: 'designated_refresh',
      logLevel: 'log_level',
    };
    expect(props(agentConfigSchema)).toEqual(Object.values(settings).sort());
  });
});
