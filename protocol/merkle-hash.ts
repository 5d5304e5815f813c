import { createHash } from 'node:crypto';

/** Length of every hash in the tree (SHA-256), in bytes. */
export const MERKLE_HASH_BYTES = 32;

// RFC 6962 section 2.1: leaves and interior nodes hash with different
// prefixes, so an interior node can never be passed off as a leaf (second
// preimage) and a leaf never as a node.
const LEAF_PREFIX = Buffer.from([0x00]);
const NODE_PREFIX = Buffer.from([0x01]);

/** The hash of a leaf: SHA-256(0x00 || data) (RFC 6962 section 2.1). */
export function leafHash(data: Uint8Array): Buffer {
  return createHash('sha256').update(LEAF_PREFIX).update(data).digest();
}

/** The hash of an interior node: SHA-256(0x01 || left || right). */
export function nodeHash(left: Uint8Array, right: Uint8Array): Buffer {
  return createHash('sha256')
    .update(NODE_PREFIX)
    .update(left)
    .update(right)
    .digest();
}

/** The root of the empty tree: SHA-256 of the empty string (MTH({})). */
export function emptyRoot(): Buffer {
  return createHash('sha256').digest();
}

/** The first 8 hex digits of a hash, for messages ("1a2b3c4d…"). */
export function shortHex(hash: Uint8Array): string {
  if (hash.length === 0) return '(empty)';
  const hex = Buffer.from(hash).toString('hex');
  return hash.length > 4 ? `${hex.slice(0, 8)}…` : hex;
}
