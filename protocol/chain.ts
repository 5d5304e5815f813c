import { hash } from 'node:crypto';
import {
  canonicalize,
  canonicalMembers,
  stringifiedIfCanonical,
} from './canonical.js';
import { ProtocolError } from './errors.js';
import type { AccessEvent } from './event.js';

/** `prev` of the first event of every agent's chain. */
export const GENESIS_HASH = '0'.repeat(64);

export function sha256Hex(data: Buffer | string): string {
  return hash('sha256', data, 'hex');
}

/**
 * An event's hash in the chain (DESIGN section 2, as refined in
 * docs/architecture.md): SHA-256 over the RFC 8785 form of
 * `{body, prev}`, where `body` is the hex SHA-256 of the event's canonical
 * form without `prev`. The event's content and its link are committed to
 * apart, so an export can show an event as `{prev, body}` alone and the
 * link from the event before it still verifies.
 */
export function hashEvent(event: AccessEvent): string {
  return chainHash(event.prev, sha256Hex(eventTexts(event).body));
}

/** The chain hash of an event from its `prev` and its body hash. */
export function chainHash(prev: string, body: string): string {
  // The canonical form of {body, prev}: both are hex, nothing to escape.
  return sha256Hex(`{"body":"${body}","prev":"${prev}"}`);
}

/**
 * The event's canonical text (what the collector stores) and the canonical
 * text of its body (the event without `prev`), from one serialization.
 */
export function eventTexts(event: AccessEvent): { text: string; body: string } {
  if (typeof event !== 'object' || event === null || Array.isArray(event)) {
    const text = canonicalize(event);
    return { text, body: text };
  }
  const text = stringifiedIfCanonical(event);
  if (text !== undefined) {
    // The same members less one, checked already: JSON.stringify's text is
    // canonical too. A member whose value is undefined is left out.
    return { text, body: JSON.stringify({ ...event, prev: undefined }) };
  }
  const members = canonicalMembers(event as unknown as Record<string, unknown>);
  const join = (list: [string, string][]) =>
    `{${list.map(([, member]) => member).join(',')}}`;
  return {
    text: join(members),
    body: join(members.filter(([key]) => key !== 'prev')),
  };
}

/** The chain hash of an event given as its stored canonical text. */
export function hashCanonicalEvent(text: string): string {
  return hashEvent(JSON.parse(text) as AccessEvent);
}

/**
 * Checks that `events` continue a chain whose last known event had `seq` and
 * hash `head` (use 0 and GENESIS_HASH for a chain's start). Returns the new
 * head. Throws on the first gap or broken link.
 * @param hashes each event's hash, when the caller already computed them
 *   (from the same canonical text it stores); default: computed here
 */
export function verifyChainLinks(
  events: readonly AccessEvent[],
  from: { seq: number; head: string } = { seq: 0, head: GENESIS_HASH },
  hashes?: readonly string[],
): string {
  let { seq, head } = from;
  for (const [i, event] of events.entries()) {
    if (event.seq !== seq + 1) {
      throw new ProtocolError(
        'VIGIL_CHAIN_SEQ_GAP',
        `event seq ${event.seq} follows seq ${seq}; expected ${seq + 1}`,
      );
    }
    if (event.prev !== head) {
      throw new ProtocolError(
        'VIGIL_CHAIN_LINK_BROKEN',
        `event seq ${event.seq}: prev does not match the hash of seq ${seq}`,
      );
    }
    seq = event.seq;
    head = hashes?.[i] ?? hashEvent(event);
  }
  return head;
}
