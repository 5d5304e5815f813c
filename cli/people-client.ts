import type { Command } from 'commander';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PeopleApiClient } from '../collector/people/api-client.js';

/** The options that name a running collector and who is asking. */
export interface RemoteOptions {
  data?: string;
  collector?: string;
  apiToken?: string;
  ca?: string;
}

/**
 * A client of the collector's people's API: `--collector`, the token from
 * `--api-token` or VIGIL_API_TOKEN, and the CA from `--ca` (default: ca.pem
 * of `--data`). Usage errors go through commander, which exits 2.
 */
export function peopleClient(
  opts: RemoteOptions & { collector: string },
  cmd: Command,
): PeopleApiClient {
  const token = opts.apiToken ?? process.env.VIGIL_API_TOKEN;
  if (!token) {
    cmd.error('error: --collector needs --api-token or VIGIL_API_TOKEN');
  }
  const caFile = opts.ca ?? (opts.data ? join(opts.data, 'ca.pem') : undefined);
  return new PeopleApiClient({
    url: opts.collector,
    token,
    ...(caFile ? { caPem: readCa(caFile, cmd) } : {}),
  });
}

function readCa(file: string, cmd: Command): string {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return cmd.error(`error: --ca: cannot read ${file}`);
  }
}
