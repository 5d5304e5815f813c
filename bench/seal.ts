import { createCipheriv, createHash, randomBytes } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { buildBatch } from '../protocol/batch.js';
import { canonicalBytes } from '../protocol/canonical.js';
import type { AgentRef, CapturedEvent } from '../protocol/event.js';
import { generateRsaKeyPair } from '../protocol/keys.js';
import { sealBatch } from '../protocol/seal.js';
import { capturedEvents, chainOn, genesis } from './chain-data.js';
import type { BenchGroup, Benchmark, Sample } from './harness.js';

export const BATCH_SIZES = [100, 500, 2000] as const;
/** Events sealed per figure and round: enough for about a second each. */
const EVENTS_PER_ROUND = 60_000;
const EVENTS_QUICK = 6_000;
const AGENT: AgentRef = { id: 'agent-bench', vendor: 'vendor-0', host: 'b1' };

/**
 * The agent's batch building as agent/ship/batcher.ts does it, without the
 * spool's write: chain (seq, prev, hash), buildBatch (checks the links and
 * signs the checkpoint, RSA-PSS 3072), sealBatch (canonical JSON, gzip,
 * AES-256-GCM, key wrapped with RSA-OAEP 3072) and the envelope's JSON.
 * The reference runs node:crypto alone over the same bytes: SHA-256 of each
 * event's canonical text and AES-256-GCM of the batch's canonical text.
 */
export const sealGroup: BenchGroup = {
  name: 'seal',
  rounds: 5,
  quickRounds: 1,
  setup({ quick }) {
    const agentKeys = generateRsaKeyPair();
    const sealing = generateRsaKeyPair();
    const keys = { sign: agentKeys.privateKeyPem, seal: sealing.publicKeyPem };
    const total = quick ? EVENTS_QUICK : EVENTS_PER_ROUND;
    return BATCH_SIZES.map((size) => figure(size, total, keys));
  },
};

function figure(
  size: number,
  total: number,
  keys: { sign: string; seal: string },
): Benchmark {
  const batches = Math.max(3, Math.round(total / size));
  const captured = capturedEvents(size);
  return {
    name: `seal+sign ${size} events/batch`,
    unit: 'batches/s',
    measures: `chain, sign and seal batches of ${size} events as the agent's batcher does, one core, wall time`,
    reference:
      'node:crypto SHA-256 of every event plus AES-256-GCM of the batch, same bytes',
    run(): Sample {
      const value = timeBatches(batches, () => sealOne(captured, keys));
      const bytes = sameBytes(captured, keys);
      const reference = timeBatches(batches, () => cryptoOnly(bytes));
      return { value, reference };
    },
  };
}

/** Runs `work` once untimed, then `count` times; batches per second. */
function timeBatches(count: number, work: () => void): number {
  work();
  const start = performance.now();
  for (let i = 0; i < count; i++) work();
  return count / ((performance.now() - start) / 1000);
}

function sealOne(
  captured: readonly CapturedEvent[],
  keys: { sign: string; seal: string },
): number {
  const events = chainOn(captured, AGENT, genesis());
  const batch = buildBatch(events, AGENT.id, keys.sign);
  return JSON.stringify(sealBatch(batch, keys.seal)).length;
}

/** The canonical bytes of one batch's events and of the whole batch. */
function sameBytes(
  captured: readonly CapturedEvent[],
  keys: { sign: string; seal: string },
): { events: Buffer[]; batch: Buffer } {
  const events = chainOn(captured, AGENT, genesis());
  const batch = buildBatch(events, AGENT.id, keys.sign);
  return { events: events.map(canonicalBytes), batch: canonicalBytes(batch) };
}

function cryptoOnly(bytes: { events: Buffer[]; batch: Buffer }): number {
  let n = 0;
  for (const event of bytes.events) {
    n += createHash('sha256').update(event).digest()[0]!;
  }
  const cipher = createCipheriv(
    'aes-256-gcm',
    randomBytes(32),
    randomBytes(12),
  );
  n += cipher.update(bytes.batch).length + cipher.final().length;
  return n + cipher.getAuthTag().length;
}
