#!/usr/bin/env node
import { Command } from 'commander';
import { registerAgentCommands } from './agent.js';
import { registerCollectorCommands } from './collector.js';
import { registerExportCommands } from './export.js';
import { registerLogCommands } from './log.js';
import { registerPolicyCommands } from './policy.js';
import { registerReportCommand } from './report.js';
import { runCli } from './run-cli.js';
import { registerUpCommand } from './up.js';
import { registerViolationsCommands } from './violations.js';

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

registerCollectorCommands(program);
registerAgentCommands(program);
registerViolationsCommands(program);
registerPolicyCommands(program);
registerExportCommands(program);
registerLogCommands(program);
registerReportCommand(program);
registerUpCommand(program);

await runCli(program, process.argv);
