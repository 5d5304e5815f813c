#!/usr/bin/env node
import { Command } from 'commander';
import { exitQuietlyWhenReaderGoes, runCli } from './run-cli.js';

type Register = (program: Command) => void;

/**
 * Each top-level command and the module that registers it. Only the group
 * named on the command line is loaded, so `vigil agent run` does not carry
 * the collector's web server, reports and exporters in its memory
 * (DESIGN section 10: agent idle RSS); help and unknown names load all.
 */
const GROUPS: Record<string, () => Promise<Register>> = {
  collector: async () =>
    (await import('./collector.js')).registerCollectorCommands,
  agent: async () => (await import('./agent.js')).registerAgentCommands,
  violations: async () =>
    (await import('./violations.js')).registerViolationsCommands,
  policy: async () => (await import('./policy.js')).registerPolicyCommands,
  report: async () => (await import('./report.js')).registerReportCommand,
  export: async () => (await import('./export.js')).registerExportCommands,
  verify: async () => (await import('./export.js')).registerExportCommands,
  log: async () => (await import('./log.js')).registerLogCommands,
  up: async () => (await import('./up.js')).registerUpCommand,
};

const program = new Command('vigil')
  .description(
    'Vigil: records every access to designated sensitive data on vendor ' +
      'machines and flags what the contract does not allow.',
  )
  .version('0.1.0')
  .showHelpAfterError()
  // Before any subcommand exists, so that every one inherits it: usage
  // errors then reach runCli, which exits 2 for them.
  .exitOverride();

const named = process.argv[2];
const loaders =
  named !== undefined && named in GROUPS
    ? [GROUPS[named]!]
    : [...new Set(Object.values(GROUPS))];
const registered = new Set<Register>();
for (const load of loaders) {
  const register = await load();
  // export and verify share one module: register it once.
  if (registered.has(register)) continue;
  registered.add(register);
  register(program);
}

exitQuietlyWhenReaderGoes();
await runCli(program, process.argv);
