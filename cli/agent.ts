import type { Command } from 'commander';
import { resolve } from 'node:path';
import { loadAgentConfig } from '../agent/config.js';
import { enrollAgent } from '../agent/enroll.js';
import { runAgent } from '../agent/run.js';
import { Spool } from '../agent/spool/spool.js';
import { loadAgentState } from '../agent/state.js';
import { createLogger } from '../collector/log.js';
import { untilSignal } from './collector.js';

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
          `next: vigil agent run --config /etc/vigil/agent.yaml (state: ${opts.state})`,
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
      const running = await runAgent(config, logger);
      await untilSignal();
      await running.stop();
    });

  agent
    .command('status')
    .description('print spool depth, last receipt and counters')
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
          lastReceipt: spool.lastReceipt(),
        };
        console.log(
          opts.json ? JSON.stringify(status) : JSON.stringify(status, null, 2),
        );
      } finally {
        spool.close();
      }
    });
}
