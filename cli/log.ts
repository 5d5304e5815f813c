import type { Command } from 'commander';
import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { LogCheckpointReply } from '../collector/api/log-routes.js';
import { loadDataDir, openStore } from '../collector/data-dir.js';
import { peopleClient } from './people-client.js';
import { TransparencyLog } from '../collector/tlog/transparency-log.js';

interface CheckpointOptions {
  data?: string;
  collector?: string;
  apiToken?: string;
  ca?: string;
  out?: string;
}

/** Registers `vigil log` (issue 7, docs/auditor.md). */
export function registerLogCommands(program: Command): void {
  const log = program
    .command('log')
    .description("the collector's transparency log of accepted batches");
  log
    .command('checkpoint')
    .description(
      'print the latest signed log checkpoint, for an auditor or witness to keep',
    )
    .option('--data <dir>', 'collector data directory (read locally)')
    .option('--collector <url>', 'a running collector, https://HOST:PORT')
    .option(
      '--api-token <token>',
      'your API token (better: the VIGIL_API_TOKEN environment variable)',
    )
    .option('--ca <file>', "the collector's CA (default: ca.pem of --data)")
    .option('--out <file>', 'also write the checkpoint to this file')
    .action(async (opts: CheckpointOptions, cmd: Command) => {
      const note = opts.collector
        ? await remoteCheckpoint({ ...opts, collector: opts.collector }, cmd)
        : localCheckpoint(opts, cmd);
      if (opts.out) writeFileSync(opts.out, note);
      process.stdout.write(note);
    });
}

function localCheckpoint(opts: CheckpointOptions, cmd: Command): string {
  if (!opts.data) return cmd.error('error: give --data DIR or --collector URL');
  const identity = loadDataDir(resolve(opts.data));
  const store = openStore(identity.dir, true);
  try {
    return new TransparencyLog(store, identity.log).latest();
  } finally {
    store.close();
  }
}

async function remoteCheckpoint(
  opts: CheckpointOptions & { collector: string },
  cmd: Command,
): Promise<string> {
  const client = peopleClient(opts, cmd);
  try {
    const reply = await client.get<LogCheckpointReply>('/v1/log/checkpoint');
    return reply.checkpoint;
  } finally {
    await client.close();
  }
}
