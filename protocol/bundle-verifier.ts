import { createHash } from 'node:crypto';
import { BundleError } from './bundle-error.js';
import { LogCheck } from './bundle-log.js';
import { parseBundleLine } from './bundle-parse.js';
import { checkAgentCert, checkHeaderTrust, verifies } from './bundle-trust.js';
import type {
  AgentChain,
  AgentLine,
  BundleCounts,
  CheckpointLine,
  EventLine,
  HeaderLine,
  ManifestLine,
  RedactedLine,
  VerifyReport,
} from './bundle.js';
import {
  fail,
  linkTo,
  seqOf,
  startRun,
  throwPendingGap,
  type Run,
} from './bundle-run.js';
import { chainHash, hashEvent } from './chain.js';

/**
 * Checks a vigil-bundle/2 file line by line against the CA the auditor
 * trusts, in constant memory per agent: the header's trust roots, every
 * agent certificate, every chain link with no seq missing, every
 * checkpoint's head, signature and log inclusion, and last the manifest's
 * signature, digest and counts. Throws a BundleError naming the first bad
 * line; `end()` returns what was proved.
 */
export class BundleVerifier {
  private lineNo = 0;
  private readonly digest = createHash('sha256');
  private header: HeaderLine | null = null;
  private log: LogCheck | null = null;
  private readonly caPem: string;
  private readonly kept: string | undefined;
  private run: Run | null = null;
  private readonly done = new Map<string, AgentChain>();
  private readonly counts: BundleCounts = {
    agents: 0,
    checkpoints: 0,
    events: 0,
    redacted: 0,
  };
  private first: string | null = null;
  private last: string | null = null;
  private finished = false;

  /**
   * @param options.sinceCheckpoint the log checkpoint the auditor kept
   *   (signed note text): the bundle must prove the log extends it
   */
  constructor(caPem: string, options: { sinceCheckpoint?: string } = {}) {
    this.caPem = caPem;
    this.kept = options.sinceCheckpoint;
  }

  /** Feeds the bytes of one line, without its newline. */
  line(bytes: Buffer): void {
    const n = ++this.lineNo;
    if (this.finished) {
      throw fail(
        'VIGIL_BUNDLE_SCHEMA_INVALID',
        `line ${n}`,
        'follows the manifest, which must be the last line',
      );
    }
    const entry = parseBundleLine(bytes.toString('utf8'), n);
    if ((n === 1) !== (entry.type === 'header')) {
      throw fail(
        'VIGIL_BUNDLE_SCHEMA_INVALID',
        `line ${n}`,
        n === 1 ? 'must be the header' : 'a second header',
      );
    }
    switch (entry.type) {
      case 'header':
        this.onHeader(entry);
        break;
      case 'agent':
        this.onAgent(entry, n);
        break;
      case 'event':
      case 'redacted':
        this.onEntry(entry, n);
        break;
      case 'checkpoint':
        this.onCheckpoint(entry, n);
        break;
      case 'manifest':
        this.onManifest(entry, n);
        return;
    }
    this.digest.update(bytes);
    this.digest.update('\n');
  }

  /** The bytes after the last newline: a line cut short. */
  partial(rest: Buffer): never {
    // A file that is no bundle at all says so, rather than "cut short".
    if (this.lineNo === 0) this.line(rest);
    throw new BundleError(
      'VIGIL_BUNDLE_TRUNCATED',
      `line ${this.lineNo + 1}: has no newline (${rest.length} bytes); the file was cut short`,
    );
  }

  /** After the last line: throws if the manifest never came. */
  end(): VerifyReport {
    if (!this.finished) {
      throw new BundleError(
        'VIGIL_BUNDLE_TRUNCATED',
        `bundle: ends after line ${this.lineNo} without the manifest (cut short?)`,
      );
    }
    const header = this.header!;
    return {
      format: header.format,
      createdAt: header.createdAt,
      range: header.range,
      filters: header.filters,
      caFingerprint: header.collector.caFingerprint,
      agents: [...this.done.values()],
      events: this.counts.events,
      redacted: this.counts.redacted,
      checkpoints: this.counts.checkpoints,
      timeSpan:
        this.first && this.last ? { first: this.first, last: this.last } : null,
      log: this.log!.report(),
    };
  }

  private onHeader(header: HeaderLine): void {
    checkHeaderTrust(header, this.caPem);
    this.header = header;
    this.log = new LogCheck(header.collector.logKey, header.log, this.kept);
  }

  private onAgent(agent: AgentLine, n: number): void {
    this.endRun(`line ${n} (agent ${agent.id})`);
    const where = `line ${n} (agent ${agent.id})`;
    if (this.done.has(agent.id)) {
      throw fail(
        'VIGIL_BUNDLE_EVENT_MISPLACED',
        where,
        "a second section for this agent; each agent's entries must form one run",
      );
    }
    checkAgentCert(agent, this.caPem, new Date(this.header!.createdAt), where);
    const { filters } = this.header!;
    if (
      (filters.vendor !== null && agent.vendor !== filters.vendor) ||
      (filters.agent !== null && agent.id !== filters.agent)
    ) {
      throw fail(
        'VIGIL_BUNDLE_EVENT_MISPLACED',
        where,
        `vendor ${agent.vendor} is outside the bundle's filters`,
      );
    }
    this.counts.agents++;
    this.run = {
      chain: {
        id: agent.id,
        vendor: agent.vendor,
        firstSeq: 0,
        lastSeq: 0,
        events: 0,
        redacted: 0,
        checkpoints: 0,
      },
      certificate: agent.certificate,
      last: null,
      batchStart: null,
      pendingGap: null,
    };
  }

  private onEntry(entry: EventLine | RedactedLine, n: number): void {
    const run = this.run;
    const seq = seqOf(entry);
    if (!run) {
      throw fail(
        'VIGIL_BUNDLE_EVENT_MISPLACED',
        `line ${n} (seq ${seq})`,
        'comes before any agent line',
      );
    }
    const where = `line ${n} (agent ${run.chain.id}, seq ${seq})`;
    if (
      entry.type === 'event' &&
      (entry.event.agent.id !== run.chain.id ||
        entry.event.agent.vendor !== run.chain.vendor)
    ) {
      throw fail(
        'VIGIL_BUNDLE_EVENT_MISPLACED',
        where,
        `names agent ${entry.event.agent.id} of vendor ${entry.event.agent.vendor} but sits in the section of agent ${run.chain.id} of vendor ${run.chain.vendor}`,
      );
    }
    if (run.last === null) startRun(run, entry, where);
    else linkTo(run, entry, seq, n, where);
    const hash =
      entry.type === 'event'
        ? hashEvent(entry.event)
        : chainHash(entry.prev, entry.body);
    run.last = { line: n, seq, hash, redacted: entry.type === 'redacted' };
    run.batchStart ??= seq;
    run.chain.lastSeq = seq;
    if (entry.type === 'redacted') {
      run.chain.redacted++;
      this.counts.redacted++;
    } else {
      run.chain.events++;
      this.counts.events++;
      this.inRange(entry.event.time, where);
      this.noteTime(entry.event.time);
    }
  }

  private onCheckpoint(line: CheckpointLine, n: number): void {
    const { checkpoint } = line;
    const where = `line ${n} (checkpoint of agent ${checkpoint.agent}, seq ${checkpoint.seq})`;
    const run = this.run;
    if (!run || run.last === null || run.batchStart === null) {
      throw fail(
        'VIGIL_BUNDLE_UNCOVERED',
        where,
        'no event of its batch comes before it',
      );
    }
    throwPendingGap(run);
    if (checkpoint.agent !== run.chain.id || checkpoint.seq !== run.last.seq) {
      throw fail(
        'VIGIL_BUNDLE_EVENT_MISPLACED',
        where,
        `must come right after the event at its seq, but follows agent ${run.chain.id} seq ${run.last.seq}`,
      );
    }
    if (checkpoint.head !== run.last.hash) {
      const what = run.last.redacted ? 'redacted hash' : 'hash';
      throw fail(
        'VIGIL_BUNDLE_HEAD_MISMATCH',
        `line ${run.last.line} (agent ${run.chain.id}, seq ${run.last.seq})`,
        `${what} is not the head of the checkpoint on line ${n}`,
      );
    }
    if (line.first_seq !== run.batchStart) {
      throw fail(
        'VIGIL_BUNDLE_UNCOVERED',
        where,
        `first_seq says ${line.first_seq} but its batch starts at seq ${run.batchStart}`,
      );
    }
    if (!verifies(checkpoint, line.signature, run.certificate)) {
      throw fail(
        'VIGIL_BUNDLE_CHECKPOINT_SIGNATURE_INVALID',
        where,
        `signature does not verify with agent ${run.chain.id}'s certificate`,
      );
    }
    this.log!.inclusion(line, where);
    run.batchStart = null;
    run.chain.checkpoints++;
    this.counts.checkpoints++;
  }

  private onManifest(line: ManifestLine, n: number): void {
    this.endRun(`line ${n} (manifest)`);
    const { manifest } = line;
    const signingCert = this.header!.collector.signingCert;
    if (!verifies(manifest, line.signature, signingCert)) {
      throw fail(
        'VIGIL_BUNDLE_MANIFEST_SIGNATURE_INVALID',
        `line ${n} (manifest)`,
        'signature does not verify with the collector signing certificate',
      );
    }
    const digest = this.digest.digest('hex');
    if (digest !== manifest.digest) {
      throw fail(
        'VIGIL_BUNDLE_DIGEST_MISMATCH',
        `line ${n} (manifest)`,
        `digest ${manifest.digest.slice(0, 12)}… is not the SHA-256 of lines 1..${n - 1} (${digest.slice(0, 12)}…)`,
      );
    }
    for (const key of Object.keys(this.counts) as (keyof BundleCounts)[]) {
      if (this.counts[key] !== manifest.counts[key]) {
        throw fail(
          'VIGIL_BUNDLE_COUNT_MISMATCH',
          `line ${n} (manifest)`,
          `counts.${key} says ${manifest.counts[key]}, the bundle holds ${this.counts[key]}`,
        );
      }
    }
    this.finished = true;
  }

  // A section must end where its agent's last checkpoint signs it off.
  private endRun(next: string): void {
    const run = this.run;
    if (!run) return;
    throwPendingGap(run);
    if (run.last === null) {
      throw fail(
        'VIGIL_BUNDLE_UNCOVERED',
        next,
        `agent ${run.chain.id}'s section before it has no events`,
      );
    }
    if (run.batchStart !== null) {
      throw fail(
        'VIGIL_BUNDLE_UNCOVERED',
        `line ${run.last.line} (agent ${run.chain.id}, seq ${run.last.seq})`,
        'no checkpoint covers this event',
      );
    }
    this.done.set(run.chain.id, run.chain);
    this.run = null;
  }

  // What the bundle shows in full is what its header says it selected.
  private inRange(time: string, where: string): void {
    const ms = Date.parse(time);
    const { range } = this.header!;
    if (!(ms >= Date.parse(range.from) && ms < Date.parse(range.to))) {
      throw fail(
        'VIGIL_BUNDLE_EVENT_MISPLACED',
        where,
        `time ${time} is outside the bundle's range ${range.from} .. ${range.to}`,
      );
    }
  }

  private noteTime(time: string): void {
    const ms = Date.parse(time);
    if (this.first === null || ms < Date.parse(this.first)) this.first = time;
    if (this.last === null || ms > Date.parse(this.last)) this.last = time;
  }
}
