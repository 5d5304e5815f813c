import { loadAgentState } from '../agent/state.js';
import { CollectorClient } from '../agent/ship/collector-client.js';
import { buildBatch } from '../protocol/batch.js';
import type { AgentRef, CapturedEvent } from '../protocol/event.js';
import { sealBatch, type Envelope } from '../protocol/seal.js';
import { capturedEvents, chainOn, genesis } from './chain-data.js';

/**
 * One enrolled agent in its own process, driven by the ingest benchmark
 * over IPC: `build` seals the next batches of its chain (agent-side work,
 * untimed), `send` posts them in order over mTLS as the shipper does, one
 * at a time, and reports how many the collector acknowledged.
 */
export type WorkerCommand =
  | { kind: 'build'; batches: number; size: number; policies?: number }
  | { kind: 'send' }
  | { kind: 'exit' };

export type WorkerReply =
  | { kind: 'built'; events: number }
  | { kind: 'sent'; events: number; refused: number; firstError?: string };

/** Distinct captured events a worker cycles through. */
const POOL_SIZE = 4096;
/** Event time of seq 1, and the event time between two events. */
const START_MS = Date.parse('2026-03-02T08:00:00Z');
const STEP_MS = 7;

const [stateDir, url, policies] = process.argv.slice(2);
const state = loadAgentState(stateDir ?? '');
const agent: AgentRef = {
  id: state.identity.agentId,
  vendor: state.identity.vendor,
  host: state.identity.host,
};
const client = new CollectorClient(url ?? '', state);
let poolPolicies = Number(policies ?? 50);
let pool = capturedEvents(POOL_SIZE, poolPolicies);
const chain = genesis();
let ready: { envelope: Envelope; events: number }[] = [];

function build(batches: number, size: number): number {
  ready = [];
  for (let b = 0; b < batches; b++) {
    const captured: CapturedEvent[] = [];
    for (let i = 0; i < size; i++) {
      const seq = chain.seq + i + 1;
      const event = pool[seq % POOL_SIZE]!;
      captured.push({ ...event, time: isoAt(seq) });
    }
    const events = chainOn(captured, agent, chain);
    const batch = buildBatch(events, agent.id, state.privateKeyPem);
    ready.push({
      envelope: sealBatch(batch, state.sealingCertPem),
      events: size,
    });
  }
  return batches * size;
}

async function send(): Promise<WorkerReply> {
  let events = 0;
  let refused = 0;
  let firstError: string | undefined;
  for (const item of ready) {
    try {
      await client.postBatch(item.envelope);
      events += item.events;
    } catch (error) {
      refused += 1;
      firstError ??= error instanceof Error ? error.message : String(error);
    }
  }
  ready = [];
  return {
    kind: 'sent',
    events,
    refused,
    ...(firstError ? { firstError } : {}),
  };
}

function isoAt(seq: number): string {
  return new Date(START_MS + seq * STEP_MS).toISOString();
}

process.on('message', (command: WorkerCommand) => {
  void handle(command);
});

async function handle(command: WorkerCommand): Promise<void> {
  switch (command.kind) {
    case 'build': {
      if (command.policies && command.policies !== poolPolicies) {
        poolPolicies = command.policies;
        pool = capturedEvents(POOL_SIZE, poolPolicies);
      }
      const events = build(command.batches, command.size);
      process.send?.({ kind: 'built', events } satisfies WorkerReply);
      return;
    }
    case 'send':
      process.send?.(await send());
      return;
    case 'exit':
      await client.close();
      process.disconnect();
      return;
  }
}
