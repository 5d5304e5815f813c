import type { Command } from 'commander';
import { resolve } from 'node:path';
import { loadAgentConfig } from '../agent/config.js';
import { missingAgentFlags } from '../agent/node-flags.js';
import { runAgent } from '../agent/run.js';
import { Spool } from '../agent/spool/spool.js';
import { loadAgentState } from '../agent/state.js';
import { createLogger } from '../collector/log.js';
import type { SignedReceipt } from '../protocol/batch.js';
import { openCheckpoint } from '../protocol/log-checkpoint.js';
import type { ReceiptLogProof } from '../protocol/receipt-log.js';
import { parseVerifierKey } from '../protocol/signed-note.js';
import { untilSignal } from './signals.js';

export function registerAgentCommands(program: Command): void {
  const agent = program
    .command('agent')
    .description('the vendor-side daemon: enrollment, capture, shipping');

  agent
    .command('enroll')
    .description('enroll this machine with a collector')
    .requiredOption(
      '--collector <url>',
      'collector URL, e.g. https://collector:8443',
    )
    .requiredOption('--token <token>', 'one-time enrollment token')
    .requiredOption(
      '--ca-fingerprint <sha256>',
      "the collector CA's SHA-256 fingerprint",
    )
    .requiredOption('--state <dir>', 'agent state directory')
    .action(
      async (opts: {
        collector: string;
        token: string;
        caFingerprint: string;
        state: string;
      }) => {
        // Enrollment's X.509 and HTTP code stays out of the running agent.
        const { enrollAgent } = await import('../agent/enroll.js');
        const identity = await enrollAgent({
          collector: opts.collector,
          token: opts.token,
          caFingerprint: opts.caFingerprint,
          stateDir: resolve(opts.state),
        });
        console.log(
          `enrolled as ${identity.agentId} (vendor ${identity.vendor})`,
        );
        console.log(
          `next: write a config with collector: ${opts.collector} and state: ` +
            `${resolve(opts.state)} (see docs/agent.md), then run the agent as ` +
            'docs/agent.md "Run" shows: node with the agent flags, or its systemd unit',
        );
      },
    );

  agent
    .command('run')
    .description('capture accesses to the watched paths and ship them')
    .requiredOption('--config <file>', 'agent YAML config')
    .action(async (opts: { config: string }) => {
      const config = loadAgentConfig(opts.config);
      const logger = createLogger('vigil-agent', config.logLevel);
      const missing = missingAgentFlags();
      if (missing.length > 0) {
        logger.warn(
          { missing },
          'node was started without the agent flags: it runs, but holds ' +
            'more memory when idle (docs/agent.md, "Run")',
        );
      }
      const running = await runAgent(config, logger, opts.config);
      await untilSignal();
      await running.stop();
    });

  agent
    .command('status')
    .description('print coverage, spool depth, last receipt and counters')
    .requiredOption('--state <dir>', 'agent state directory')
    .option('--json', 'machine-readable output')
    .action((opts: { state: string; json?: boolean }) => {
      const state = loadAgentState(resolve(opts.state));
      const spool = new Spool(state.spoolFile);
      try {
        const status = {
          agent: state.identity,
          spool: spool.depth(),
          chain: spool.chainState(),
          counters: spool.counters(),
          lastReceipt: spool.lastReceipt() as SignedReceipt | null,
          running: spool.status() as StatusDetail | null,
        };
        const log = receiptLog(status.lastReceipt, state.logKey);
        console.log(
          opts.json
            ? JSON.stringify({ ...status, log })
            : formatStatus(status, log),
        );
      } finally {
        spool.close();
      }
    });
}

interface StatusDetail {
  sensors?: string[];
  coverage?: { watched: string[]; missing: string[]; designated: string[] };
}

function formatStatus(
  s: {
    agent: { agentId: string; vendor: string; collector: string };
    spool: { envelopes: number; events: number; bytes: number };
    chain: { seq: number };
    counters: Record<string, number>;
    lastReceipt: SignedReceipt | null;
    running: StatusDetail | null;
  },
  log: ReceiptLogProof | null,
): string {
  const c = s.counters;
  const coverage = s.running?.coverage;
  const receipt = s.lastReceipt?.receipt;
  return [
    `agent      ${s.agent.agentId} (vendor ${s.agent.vendor}) -> ${s.agent.collector}`,
    `sensors    ${s.running?.sensors?.join(', ') || 'none'}`,
    `watching   ${coverage?.watched.join(', ') || 'nothing'}`,
    `missing    ${coverage?.missing.join(', ') || 'none'}`,
    `spool      ${s.spool.envelopes} batches, ${s.spool.events} events, ${s.spool.bytes} bytes`,
    `chain      last seq ${s.chain.seq}`,
    `receipt    ${receipt ? `seq ${receipt.seq} at ${receipt.received_at}` : 'none yet'}`,
    `log        ${log ? `leaf ${log.index} in the checkpoint of size ${log.size} (${log.origin}), proof verified` : 'no verified inclusion proof yet'}`,
    `counters   captured ${c.captured ?? 0}, sent ${c.sent ?? 0}, ` +
      `spooled ${s.spool.events}, dropped ${c.dropped ?? 0}`,
  ].join('\n');
}

// The latest receipt's log part, checked again: the status shows only
// what the agent can prove to a third party.
function receiptLog(
  signed: SignedReceipt | null,
  logKey: string | null,
): ReceiptLogProof | null {
  if (!signed?.log || logKey === null) return null;
  try {
    const { index, checkpoint } = signed.log;
    const opened = openCheckpoint(checkpoint, [parseVerifierKey(logKey)]);
    return { origin: opened.origin, index, size: opened.size };
  } catch {
    return null;
  }
}
