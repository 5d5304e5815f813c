import { BundleError } from './bundle-error.js';
import type { Bundle, BundleEvent, RedactedEvent } from './bundle.js';
import { GENESIS_HASH, hashEvent } from './chain.js';

/** One agent's stretch of chain in a bundle, as verified. */
export interface AgentChain {
  id: string;
  vendor: string;
  firstSeq: number;
  lastSeq: number;
  /** Events shown in full. */
  events: number;
  /** Events shown as their hash alone. */
  redacted: number;
  checkpoints: number;
}

interface Run {
  chain: AgentChain;
  last: { index: number; seq: number; hash: string; redacted: boolean };
  /** seq → index in bundle.checkpoints, for this agent. */
  heads: Map<number, number>;
  lastCheckpoint: number;
}

/**
 * Walks the events in order: each agent's events form one run in seq
 * order with no seq missing, every link holds (a redacted entry's hash
 * must be the next event's prev), every checkpoint's head is the hash of
 * the event at its seq, and each run ends at its agent's last checkpoint.
 */
export function checkChains(bundle: Bundle): AgentChain[] {
  const vendors = new Map(bundle.agents.map((a) => [a.id, a.vendor]));
  const done = new Map<string, AgentChain>();
  let run: Run | undefined;
  bundle.events.forEach((entry, index) => {
    const id = agentOf(entry);
    const where = `events[${index}] (agent ${id}, seq ${entry.seq})`;
    const vendor = vendors.get(id);
    if (vendor === undefined) {
      throw fail('VIGIL_BUNDLE_AGENT_UNKNOWN', where, 'agent is not in agents');
    }
    if (run?.chain.id !== id) {
      if (run) endRun(run, where, done);
      if (done.has(id)) {
        throw fail(
          'VIGIL_BUNDLE_EVENT_MISPLACED',
          where,
          `agent ${id}'s events must form one run`,
        );
      }
      run = startRun(bundle, id, vendor, index, entry);
    } else {
      linkTo(run, entry, where, bundle.events);
    }
    step(run, bundle, entry, index, where);
  });
  if (run) endRun(run, null, done);
  checkAllCovered(bundle, done);
  return bundle.agents.flatMap((a) => done.get(a.id) ?? []);
}

function startRun(
  bundle: Bundle,
  id: string,
  vendor: string,
  index: number,
  entry: BundleEvent,
): Run {
  const heads = new Map<number, number>();
  bundle.checkpoints.forEach(({ checkpoint }, i) => {
    if (checkpoint.agent === id) heads.set(checkpoint.seq, i);
  });
  const where = `events[${index}] (agent ${id}, seq ${entry.seq})`;
  if (!isRedacted(entry) && entry.seq === 1 && entry.prev !== GENESIS_HASH) {
    throw fail(
      'VIGIL_BUNDLE_LINK_BROKEN',
      where,
      "prev of an agent's first event is not the genesis hash",
    );
  }
  return {
    chain: {
      id,
      vendor,
      firstSeq: entry.seq,
      lastSeq: entry.seq,
      events: 0,
      redacted: 0,
      checkpoints: heads.size,
    },
    last: { index, seq: entry.seq - 1, hash: '', redacted: false },
    heads,
    lastCheckpoint: Math.max(0, ...heads.keys()),
  };
}

function linkTo(
  run: Run,
  entry: BundleEvent,
  where: string,
  events: readonly BundleEvent[],
): void {
  const { last } = run;
  if (entry.seq <= last.seq) {
    throw fail(
      'VIGIL_BUNDLE_EVENT_ORDER',
      where,
      `comes after seq ${last.seq}; events must be in seq order`,
    );
  }
  if (entry.seq !== last.seq + 1) {
    const missing = last.seq + 1;
    const later = events.findIndex(
      (e, i) =>
        i > last.index && e.seq === missing && agentOf(e) === run.chain.id,
    );
    if (later >= 0) {
      throw fail(
        'VIGIL_BUNDLE_EVENT_ORDER',
        where,
        `comes before seq ${missing} (at events[${later}]); events must be in seq order`,
      );
    }
    throw fail(
      'VIGIL_BUNDLE_SEQ_GAP',
      where,
      `follows seq ${last.seq}; seq ${last.seq + 1} is missing`,
    );
  }
  if (!isRedacted(entry) && entry.prev !== last.hash) {
    const prior = `events[${last.index}] (agent ${run.chain.id}, seq ${last.seq})`;
    const what = last.redacted ? 'redacted hash' : 'hash';
    throw fail(
      'VIGIL_BUNDLE_LINK_BROKEN',
      prior,
      `${what} does not match the next event's prev`,
    );
  }
}

function step(
  run: Run,
  bundle: Bundle,
  entry: BundleEvent,
  index: number,
  where: string,
) {
  const redacted = isRedacted(entry);
  const hash = redacted ? entry.hash : hashEvent(entry);
  const at = run.heads.get(entry.seq);
  if (at !== undefined && bundle.checkpoints[at]?.checkpoint.head !== hash) {
    throw fail(
      'VIGIL_BUNDLE_HEAD_MISMATCH',
      where,
      `${redacted ? 'redacted hash' : 'hash'} is not the head of checkpoints[${at}]`,
    );
  }
  run.last = { index, seq: entry.seq, hash, redacted };
  run.chain.lastSeq = entry.seq;
  if (redacted) run.chain.redacted++;
  else run.chain.events++;
}

// A run must end where its agent's last checkpoint signs it off.
function endRun(run: Run, next: string | null, done: Map<string, AgentChain>) {
  const { chain, lastCheckpoint } = run;
  if (chain.lastSeq < lastCheckpoint && next !== null) {
    throw fail(
      'VIGIL_BUNDLE_EVENT_MISPLACED',
      next,
      `sits inside agent ${chain.id}'s chain, which its checkpoints take to seq ${lastCheckpoint}`,
    );
  }
  if (chain.lastSeq !== lastCheckpoint) {
    const last = `events[${run.last.index}] (agent ${chain.id}, seq ${chain.lastSeq})`;
    throw fail(
      'VIGIL_BUNDLE_UNCOVERED',
      last,
      `agent ${chain.id}'s events end here but its last checkpoint is at seq ${lastCheckpoint}`,
    );
  }
  done.set(chain.id, chain);
}

function checkAllCovered(bundle: Bundle, done: Map<string, AgentChain>) {
  bundle.checkpoints.forEach(({ checkpoint }, i) => {
    const chain = done.get(checkpoint.agent);
    if (!chain || checkpoint.seq < chain.firstSeq) {
      throw fail(
        'VIGIL_BUNDLE_UNCOVERED',
        `checkpoints[${i}] (agent ${checkpoint.agent}, seq ${checkpoint.seq})`,
        'no event with this seq is in events',
      );
    }
  });
  bundle.agents.forEach((agent, i) => {
    if (!done.has(agent.id)) {
      throw fail(
        'VIGIL_BUNDLE_UNCOVERED',
        `agents[${i}] (agent ${agent.id})`,
        'has no events in the bundle',
      );
    }
  });
}

function isRedacted(entry: BundleEvent): entry is RedactedEvent {
  return typeof entry.agent === 'string';
}

function agentOf(entry: BundleEvent): string {
  return isRedacted(entry) ? entry.agent : entry.agent.id;
}

function fail(
  code: ConstructorParameters<typeof BundleError>[0],
  where: string,
  what: string,
) {
  return new BundleError(code, `${where}: ${what}`);
}
