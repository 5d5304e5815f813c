import { VigilError } from './errors.js';

export const MERKLE_ERROR_CODES = [
  'VIGIL_MERKLE_ARGUMENT_INVALID',
  'VIGIL_MERKLE_PROOF_INVALID',
  'VIGIL_MERKLE_NODE_MISSING',
] as const;

export type MerkleErrorCode = (typeof MERKLE_ERROR_CODES)[number];

/**
 * A Merkle proof that does not prove what it claims, sizes or indices that
 * cannot describe a tree, or a node store that lacks a node it must hold.
 */
export class MerkleError extends VigilError<MerkleErrorCode> {}
