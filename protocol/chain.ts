import { createHash } from 'node:crypto';
import { canonicalBytes } from './canonical.js';
import { ProtocolError } from './errors.js';
import type { AccessEvent } from './event.js';

/** `prev` of the first event of every agent's chain. */
export const GENESIS_HASH = '0'.repeat(64);

export function sha256Hex(data: Buffer | string): string {
  return createHash('sha256').update(data).digest('hex');
}

/** SHA-256 over the event's RFC 8785 canonical form (DESIGN section 2). */
export function hashEvent(event: AccessEvent): string {
  return sha256Hex(canonicalBytes(event));
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
