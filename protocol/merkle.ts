// RFC 6962 / RFC 9162 Merkle trees for Vigil's transparency log of
// accepted batches: hashing, an append-only tree over a pluggable node
// store, and the proof checks an auditor runs offline.

export {
  MERKLE_ERROR_CODES,
  MerkleError,
  type MerkleErrorCode,
} from './merkle-error.js';
export {
  MERKLE_HASH_BYTES,
  emptyRoot,
  leafHash,
  nodeHash,
} from './merkle-hash.js';
export { isValidSubtree } from './merkle-args.js';
export { MemoryNodes, MerkleLog, type MerkleNodes } from './merkle-tree.js';
export { verifyConsistency, verifyInclusion } from './merkle-verify.js';
export {
  verifySubtreeConsistency,
  verifySubtreeInclusion,
} from './merkle-subtree-verify.js';
