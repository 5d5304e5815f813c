import type { Command } from 'commander';
import { resolve } from 'node:path';
import type { LogCheckpointReply } from '../collector/api/log-routes.js';
import { writeFileAtomic } from '../collector/atomic-file.js';
import { loadDataDir, openStore } from '../collector/data-dir.js';
import { CollectorError } from '../collector/errors.js';
import { peopleClient } from './people-client.js';
import { TransparencyLog } from '../collector/tlog/transparency-log.js';

interface CheckpointOptions {
  data?: string;
  collector?: string;
  apiToken?: string;
  ca?: string;
  out?: string;
}

/** A checkpoint is public: anyone may read it and check its signature. */
export const CHECKPOINT_FILE_MODE = 0o644;

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
    .option(
      '--out <file>',
      'also write the checkpoint to this file, mode 0644, replacing it whole',
    )
    .action(async (opts: CheckpointOptions, cmd: Command) => {
      const note = opts.collector
        ? await remoteCheckpoint({ ...opts, collector: opts.collector }, cmd)
        : localCheckpoint(opts, cmd);
      if (opts.out) writeCheckpointFile(opts.out, note);
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

/**
 * Writes the note whole or not at all, replacing a symlink at `out` rather
 * than writing where it points; a folder that is missing or a folder at
 * `out` is a VIGIL_CHECKPOINT_OUT_UNWRITABLE naming the option.
 */
function writeCheckpointFile(out: string, note: string): void {
  try {
    writeFileAtomic(out, note, CHECKPOINT_FILE_MODE);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? 'unknown error';
    throw new CollectorError(
      'VIGIL_CHECKPOINT_OUT_UNWRITABLE',
      `--out: cannot write ${out.slice(0, 200)} (${code}); give a file in ` +
        'an existing folder you may write',
      { cause: error },
    );
  }
}
