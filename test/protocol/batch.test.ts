import { beforeAll, describe, expect, it } from 'vitest';
import { hashEvent } from '../../protocol/chain.js';
import { buildBatch, verifyBatch, type Batch } from '../../protocol/batch.js';
import { generateRsaKeyPair } from '../../protocol/keys.js';
import { signCanonical } from '../../protocol/sign.js';
import { AGENT_ID, makeEvents, relink } from './chain-fixture.js';
import { expectProtocolError } from './expect-error.js';

type Pair = { privateKeyPem: string; publicKeyPem: string };

const NOW = new Date('2026-03-02T01:16:00.000Z');

describe('buildBatch', () => {
  let agent: Pair;

  beforeAll(() => {
    agent = generateRsaKeyPair(2048);
  });

  describe('when given a chained run of events', () => {
    it('checkpoints the last seq and the hash of the last event', () => {
      const events = makeEvents(5);
      const batch = buildBatch(events, AGENT_ID, agent.privateKeyPem, NOW);
      expect(batch.checkpoint).toEqual({
        agent: AGENT_ID,
        seq: 5,
        head: hashEvent(events[4]!),
        time: '2026-03-02T01:16:00.000Z',
      });
      expect(batch.events).toEqual(events);
      verifyBatch(batch, agent.publicKeyPem);
    });

    it('accepts a run that starts in the middle of the chain', () => {
      const events = makeEvents(20).slice(10);
      const batch = buildBatch(events, AGENT_ID, agent.privateKeyPem);
      expect(batch.checkpoint.seq).toBe(20);
      verifyBatch(batch, agent.publicKeyPem);
    });
  });

  describe('when the events cannot form a batch', () => {
    it('throws VIGIL_BATCH_INVALID for no events', () => {
      expectProtocolError(
        () => buildBatch([], AGENT_ID, agent.privateKeyPem),
        'VIGIL_BATCH_INVALID',
      );
    });

    it('throws VIGIL_CHAIN_SEQ_GAP for a hole in the run', () => {
      const events = makeEvents(4);
      const holed = [events[0]!, events[1]!, events[3]!];
      expectProtocolError(
        () => buildBatch(holed, AGENT_ID, agent.privateKeyPem),
        'VIGIL_CHAIN_SEQ_GAP',
      );
    });

    it('throws VIGIL_BATCH_INVALID for events of another agent', () => {
      const events = makeEvents(2, { agent: 'agent-other' });
      expectProtocolError(
        () => buildBatch(events, AGENT_ID, agent.privateKeyPem),
        'VIGIL_BATCH_INVALID',
      );
    });
  });
});

describe('verifyBatch', () => {
  let agent: Pair;
  let intruder: Pair;
  let batch: Batch;

  beforeAll(() => {
    agent = generateRsaKeyPair(2048);
    intruder = generateRsaKeyPair(2048);
    batch = buildBatch(makeEvents(5), AGENT_ID, agent.privateKeyPem, NOW);
  });

  const withEvents = (events: Batch['events']): Batch => ({ ...batch, events });

  describe('when one byte of the last event changed', () => {
    it('throws VIGIL_CHAIN_HASH_MISMATCH', () => {
      const events = structuredClone(batch.events);
      events[4]!.path = events[4]!.path!.replace('.csv', '.csw');
      expectProtocolError(
        () => verifyBatch(withEvents(events), agent.publicKeyPem),
        'VIGIL_CHAIN_HASH_MISMATCH',
      );
    });
  });

  describe('when one byte of an earlier event changed', () => {
    it('throws VIGIL_CHAIN_LINK_BROKEN', () => {
      const events = structuredClone(batch.events);
      events[1]!.user!.uid = 1002;
      expectProtocolError(
        () => verifyBatch(withEvents(events), agent.publicKeyPem),
        'VIGIL_CHAIN_LINK_BROKEN',
      );
    });
  });

  describe('when an edited event is relinked without the key', () => {
    it('throws VIGIL_CHAIN_HASH_MISMATCH: the signed head commits to it', () => {
      const events = structuredClone(batch.events);
      events[2]!.action = 'write';
      expectProtocolError(
        () => verifyBatch(withEvents(relink(events)), agent.publicKeyPem),
        'VIGIL_CHAIN_HASH_MISMATCH',
      );
    });
  });

  describe('when two events swapped places', () => {
    it('throws VIGIL_CHAIN_SEQ_GAP', () => {
      const [a, b, c, d, e] = batch.events;
      expectProtocolError(
        () => verifyBatch(withEvents([a!, c!, b!, d!, e!]), agent.publicKeyPem),
        'VIGIL_CHAIN_SEQ_GAP',
      );
    });
  });

  describe('when an event was removed', () => {
    it('throws VIGIL_CHAIN_SEQ_GAP', () => {
      const events = batch.events.filter((e) => e.seq !== 3);
      expectProtocolError(
        () => verifyBatch(withEvents(events), agent.publicKeyPem),
        'VIGIL_CHAIN_SEQ_GAP',
      );
    });
  });

  describe('when another key signed the checkpoint', () => {
    it('throws VIGIL_SIGNATURE_INVALID', () => {
      const forged = buildBatch(batch.events, AGENT_ID, intruder.privateKeyPem);
      expectProtocolError(
        () => verifyBatch(forged, agent.publicKeyPem),
        'VIGIL_SIGNATURE_INVALID',
      );
    });
  });

  describe('when the checkpoint was edited', () => {
    it('throws VIGIL_SIGNATURE_INVALID', () => {
      const checkpoint = { ...batch.checkpoint, seq: 4 };
      expectProtocolError(
        () => verifyBatch({ ...batch, checkpoint }, agent.publicKeyPem),
        'VIGIL_SIGNATURE_INVALID',
      );
    });
  });

  describe('when a chained event was appended after the checkpoint', () => {
    it('throws VIGIL_BATCH_INVALID', () => {
      const events = [...batch.events, ...makeEvents(6).slice(5)];
      expectProtocolError(
        () => verifyBatch(withEvents(events), agent.publicKeyPem),
        'VIGIL_BATCH_INVALID',
      );
    });
  });

  describe('when an event names another agent than the checkpoint', () => {
    it('throws VIGIL_BATCH_INVALID', () => {
      const events = structuredClone(batch.events);
      events[0]!.agent.id = 'agent-other';
      const relinked = relink(events);
      const checkpoint = {
        ...batch.checkpoint,
        head: hashEvent(relinked[4]!),
      };
      const signature = signCanonical(checkpoint, agent.privateKeyPem);
      expectProtocolError(
        () =>
          verifyBatch(
            { checkpoint, signature, events: relinked },
            agent.publicKeyPem,
          ),
        'VIGIL_BATCH_INVALID',
      );
    });
  });

  describe('when the batch does not have a batch shape', () => {
    it.each([
      ['null', null],
      ['no events', { checkpoint: {}, signature: 'AAAA', events: [] }],
      ['events not a list', { checkpoint: {}, signature: 'AAAA', events: {} }],
      [
        'an event without agent',
        { checkpoint: {}, signature: '', events: [1] },
      ],
    ])('throws VIGIL_BATCH_INVALID for %s', (_, value) => {
      expectProtocolError(
        () => verifyBatch(value as unknown as Batch, agent.publicKeyPem),
        'VIGIL_BATCH_INVALID',
      );
    });
  });
});
