import { BundleError, type BundleErrorCode } from './bundle-error.js';
import type { AgentChain, EventLine, RedactedLine } from './bundle.js';
import { GENESIS_HASH } from './chain.js';

/**
 * One agent's section of a bundle as the verifier walks it: the links
 * between consecutive entries, with one line of look-ahead to tell two
 * swapped events from a missing one.
 */
export interface Run {
  chain: AgentChain;
  certificate: string;
  /** The entry before: its line, seq and hash. */
  last: { line: number; seq: number; hash: string; redacted: boolean } | null;
  /** First seq of the batch being read; null right after a checkpoint. */
  batchStart: number | null;
  /** A seq jumped ahead: a gap, unless the missing seq comes right next. */
  pendingGap: { line: number; seq: number; missing: number } | null;
}

export function startRun(
  run: Run,
  entry: EventLine | RedactedLine,
  where: string,
) {
  if (
    entry.type === 'event' &&
    entry.event.seq === 1 &&
    entry.event.prev !== GENESIS_HASH
  ) {
    throw fail(
      'VIGIL_BUNDLE_LINK_BROKEN',
      where,
      "prev of an agent's first event is not the genesis hash",
    );
  }
  run.chain.firstSeq = seqOf(entry);
}

export function linkTo(
  run: Run,
  entry: EventLine | RedactedLine,
  seq: number,
  n: number,
  where: string,
): void {
  const last = run.last!;
  const gap = run.pendingGap;
  if (gap) {
    if (seq === gap.missing) {
      throw fail(
        'VIGIL_BUNDLE_EVENT_ORDER',
        where,
        `comes after seq ${gap.seq} (line ${gap.line}); events must be in seq order`,
      );
    }
    throwPendingGap(run);
  }
  if (seq <= last.seq) {
    throw fail(
      'VIGIL_BUNDLE_EVENT_ORDER',
      where,
      `comes after seq ${last.seq}; events must be in seq order`,
    );
  }
  if (seq !== last.seq + 1) {
    run.pendingGap = { line: n, seq, missing: last.seq + 1 };
    return;
  }
  // Redacted entries carry their prev too: every link is checked.
  if (prevOf(entry) !== last.hash) {
    const what = last.redacted ? 'redacted hash' : 'hash';
    throw fail(
      'VIGIL_BUNDLE_LINK_BROKEN',
      `line ${last.line} (agent ${run.chain.id}, seq ${last.seq})`,
      `${what} does not match the next entry's prev`,
    );
  }
}

export function seqOf(entry: EventLine | RedactedLine): number {
  return entry.type === 'event' ? entry.event.seq : entry.seq;
}

export function prevOf(entry: EventLine | RedactedLine): string {
  return entry.type === 'event' ? entry.event.prev : entry.prev;
}

export function throwPendingGap(run: Run): void {
  const gap = run.pendingGap;
  if (!gap) return;
  throw fail(
    'VIGIL_BUNDLE_SEQ_GAP',
    `line ${gap.line} (agent ${run.chain.id}, seq ${gap.seq})`,
    `follows seq ${gap.missing - 1}; seq ${gap.missing} is missing`,
  );
}

export function fail(code: BundleErrorCode, where: string, what: string) {
  return new BundleError(code, `${where}: ${what}`);
}
