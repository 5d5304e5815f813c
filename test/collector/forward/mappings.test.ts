import { describe, expect, it } from 'vitest';
import { toEcs } from '../../../collector/forward/ecs.js';
import { toOcsf } from '../../../collector/forward/ocsf.js';
import type { EventItem } from '../../../collector/forward/reader.js';
import type { AccessEvent } from '../../../protocol/event.js';
import { chainEvents } from '../ingest-senders.js';
import { heartbeat } from '../live-collector.js';

// Events as chainEvents builds them for the ingest tests, with the action
// changed: the mappings read the fields, not the chain.
function item(change: Partial<AccessEvent>): EventItem {
  const event = { ...chainEvents('acme-1', 1, 1)[0]!, ...change };
  return {
    kind: 'event',
    id: `acme-1:${event.seq}`,
    event,
    receivedAt: '2026-12-04T10:00:02.000Z',
  };
}

describe('toOcsf', () => {
  it.each([
    ['create', 1],
    ['write', 3],
    ['truncate', 3],
    ['delete', 4],
    ['chown', 7],
  ] as const)('maps %s to activity %i', (action, id) => {
    expect(toOcsf(item({ action }))).toMatchObject({
      activity_id: id,
      type_uid: 100100 + id,
    });
  });

  it('maps link and exec to Other, naming the action', () => {
    const link = toOcsf(
      item({ action: 'link', target: '/srv/records/alias.csv' }),
    );
    expect(link).toMatchObject({
      activity_id: 99,
      activity_name: 'Link',
      type_uid: 100199,
      file_result: { path: '/srv/records/alias.csv' },
    });
    expect(toOcsf(item({ action: 'exec' }))).toMatchObject({
      activity_id: 99,
      activity_name: 'Execute',
    });
  });

  it('keeps sub-millisecond time in metadata.original_time', () => {
    const time = '2026-12-04T10:00:01.123456789Z';
    expect(toOcsf(item({ time }))).toMatchObject({
      time: Date.parse('2026-12-04T10:00:01.123Z'),
      metadata: { original_time: time },
    });
  });
});

describe('toEcs', () => {
  it('maps a meta event to a host event with its detail', () => {
    const beat = { ...heartbeat(['/srv/x']), seq: 9, prev: '0'.repeat(64) };
    const doc = toEcs(
      item({
        ...beat,
        path: undefined,
        agent: { id: 'acme-1', vendor: 'acme', host: 'h' },
      }),
    );
    expect(doc).toMatchObject({
      event: {
        kind: 'event',
        category: ['host'],
        type: ['info'],
        action: 'heartbeat',
        dataset: 'vigil.agent',
      },
      vigil: { detail: beat.detail },
    });
    expect(doc).not.toHaveProperty('user');
    expect(doc).not.toHaveProperty('file');
  });

  it.each([
    ['create', 'creation'],
    ['link', 'creation'],
    ['delete', 'deletion'],
    ['write', 'change'],
    ['exec', 'access'],
  ] as const)('gives %s the event.type %s', (action, type) => {
    expect(toEcs(item({ action }))).toMatchObject({ event: { type: [type] } });
  });
});
