import { MerkleError } from './merkle-error.js';
import { MERKLE_HASH_BYTES } from './merkle-hash.js';

// Shared checks and integer helpers of the Merkle modules. Sizes and
// indices are JavaScript numbers, so they stop at 2^53 - 1; anything else
// (negative, fractional, larger, not a number) is refused up front.

/** Throws VIGIL_MERKLE_ARGUMENT_INVALID unless `value` is a count. */
export function requireCount(value: unknown, what: string): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0) {
    throw argumentInvalid(
      `${what} must be an integer from 0 to 2^53 - 1, got ${String(value)}`,
    );
  }
  return value;
}

/** Throws VIGIL_MERKLE_ARGUMENT_INVALID unless `hash` has 32 bytes. */
export function requireHash(hash: unknown, what: string): Uint8Array {
  if (!(hash instanceof Uint8Array) || hash.length !== MERKLE_HASH_BYTES) {
    const got = hash instanceof Uint8Array ? `${hash.length} bytes` : 'none';
    throw argumentInvalid(
      `${what} must be a ${MERKLE_HASH_BYTES}-byte hash, got ${got}`,
    );
  }
  return hash;
}

/** Throws VIGIL_MERKLE_PROOF_INVALID unless every element has 32 bytes. */
export function requireProofHashes(
  proof: readonly Uint8Array[],
  context: string,
): void {
  proof.forEach((element, i) => {
    if (!(element instanceof Uint8Array)) {
      throw proofInvalid(`${context}: proof element ${i} is not bytes`);
    }
    if (element.length !== MERKLE_HASH_BYTES) {
      throw proofInvalid(
        `${context}: proof element ${i} has ${element.length} bytes, ` +
          `not ${MERKLE_HASH_BYTES}`,
      );
    }
  });
}

/** The largest power of two strictly below `n` (n >= 2): RFC 6962's k. */
export function largestPowerOfTwoBelow(n: number): number {
  let k = 1;
  while (k * 2 < n) k *= 2;
  return k;
}

/** The smallest power of two at or above `n`: BIT_CEIL(n). */
export function bitCeil(n: number): number {
  let p = 1;
  while (p < n) p *= 2;
  return p;
}

/**
 * Whether [start, end) is a subtree in the sense of the Merkle Tree
 * Certificates draft, section 4.1: start < end and start is a multiple of
 * BIT_CEIL(end - start), so that the range is one node of the tree.
 */
export function isValidSubtree(start: number, end: number): boolean {
  return start < end && start % bitCeil(end - start) === 0;
}

/** Least significant bit, for numbers beyond 32 bits. */
export function lsb(n: number): boolean {
  return n % 2 === 1;
}

/** n >> 1, for numbers beyond 32 bits. */
export function half(n: number): number {
  return Math.floor(n / 2);
}

export function argumentInvalid(message: string): MerkleError {
  return new MerkleError('VIGIL_MERKLE_ARGUMENT_INVALID', message);
}

export function proofInvalid(message: string): MerkleError {
  return new MerkleError('VIGIL_MERKLE_PROOF_INVALID', message);
}
