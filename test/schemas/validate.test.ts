import { describe, expect, it } from 'vitest';
import {
  validateAccessEvent,
  validateBatchShape,
  validateEnvelope,
} from '../../schemas/validate.js';
import { makeEvents } from '../protocol/chain-fixture.js';
import { expectProtocolError } from '../protocol/expect-error.js';

// Unit tests of schemas/validate.ts; kept beside the protocol tests that
// own it (test/schemas/ belongs to another part of the tree).

const event = () =>
  structuredClone(makeEvents(1)[0]!) as unknown as Record<string, unknown>;

const checkpoint = {
  agent: 'agent-build-01',
  seq: 1,
  head: 'ab'.repeat(32),
  time: '2026-03-02T01:16:00.000Z',
};

describe('validateAccessEvent', () => {
  describe('when the event matches the schema', () => {
    it('returns it', () => {
      const value = event();
      expect(validateAccessEvent(value)).toBe(value);
    });
  });

  describe('when a field is bad', () => {
    it.each([
      [
        'a uid as text',
        (e: Record<string, unknown>) => {
          (e.user as Record<string, unknown>).uid = 'root';
        },
        '/user/uid',
      ],
      [
        'a missing seq',
        (e: Record<string, unknown>) => {
          delete e.seq;
        },
        '/seq',
      ],
      [
        'an unknown field',
        (e: Record<string, unknown>) => {
          e.color = 'red';
        },
        '/color: is not allowed',
      ],
      [
        'a relative path',
        (e: Record<string, unknown>) => {
          e.path = 'srv/data';
        },
        '/path',
      ],
      [
        'an audit event without path',
        (e: Record<string, unknown>) => {
          delete e.path;
        },
        '/path: is required',
      ],
    ])('throws VIGIL_SCHEMA_INVALID for %s, naming %s', (_, edit, pointer) => {
      const value = event();
      edit(value);
      const error = expectProtocolError(
        () => validateAccessEvent(value),
        'VIGIL_SCHEMA_INVALID',
      );
      expect(error.message).toContain(pointer);
    });

    it('escapes an odd property name as a JSON pointer and cuts it short', () => {
      const value = { ...event(), ['a/b~' + 'x'.repeat(200)]: 1 };
      const error = expectProtocolError(
        () => validateAccessEvent(value),
        'VIGIL_SCHEMA_INVALID',
      );
      expect(error.message).toContain('/a~1b~0xxx');
      expect(error.message.length).toBeLessThan(120);
    });
  });
});

describe('validateEnvelope', () => {
  describe('when a required field is missing', () => {
    it('throws VIGIL_ENVELOPE_INVALID naming it', () => {
      const error = expectProtocolError(
        () => validateEnvelope({ v: 1 }),
        'VIGIL_ENVELOPE_INVALID',
      );
      expect(error.message).toMatch(/envelope \/\w+: is required/);
    });
  });
});

describe('validateBatchShape', () => {
  describe('when the batch is well formed', () => {
    it('returns it', () => {
      const batch = { checkpoint, signature: 'AAAA', events: makeEvents(2) };
      expect(validateBatchShape(batch)).toBe(batch);
    });
  });

  describe('when the batch around the events is bad', () => {
    it.each([
      ['no events', { checkpoint, signature: 'AAAA', events: [] }, '/events'],
      [
        'a checkpoint time that is not a date',
        {
          checkpoint: { ...checkpoint, time: 'noon' },
          signature: 'AAAA',
          events: makeEvents(1),
        },
        '/checkpoint/time',
      ],
      ['no signature', { checkpoint, events: makeEvents(1) }, '/signature'],
    ])('throws VIGIL_BATCH_INVALID for %s', (_, value, pointer) => {
      const error = expectProtocolError(
        () => validateBatchShape(value),
        'VIGIL_BATCH_INVALID',
      );
      expect(error.message).toContain(pointer);
    });
  });

  describe('when an event inside is bad', () => {
    it('throws VIGIL_SCHEMA_INVALID naming the event', () => {
      const events = makeEvents(3) as unknown as Record<string, unknown>[];
      events[2]!.seq = 0;
      const error = expectProtocolError(
        () => validateBatchShape({ checkpoint, signature: 'AAAA', events }),
        'VIGIL_SCHEMA_INVALID',
      );
      expect(error.message).toContain('/events/2/seq');
    });
  });
});
