import type { Checkpoint } from './batch.js';
import { canonicalBytes } from './canonical.js';

/**
 * What the transparency log records of one accepted batch: the agent's
 * signed checkpoint (agent, last seq, head, time), the first seq of the
 * batch and the agent's signature. An agent or auditor can rebuild it from
 * the batch alone and check it against the agent's own key.
 */
export interface LogLeaf {
  checkpoint: Checkpoint;
  first_seq: number;
  signature: string;
}

/** The leaf bytes: the RFC 8785 form of the record, hashed with 0x00. */
export function logLeafBytes(leaf: LogLeaf): Buffer {
  const { agent, seq, head, time } = leaf.checkpoint;
  return canonicalBytes({
    checkpoint: { agent, seq, head, time },
    first_seq: leaf.first_seq,
    signature: leaf.signature,
  });
}
