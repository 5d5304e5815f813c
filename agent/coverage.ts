import { existsSync } from 'node:fs';
import { lookup } from 'node:dns/promises';
import { isIP } from 'node:net';
import { globRoot } from '../protocol/glob-root.js';
import { AgentError } from './errors.js';

/** What the agent watches, and what it was asked to but cannot. */
export interface Coverage {
  /** Globs the collector designated for this agent's vendor. */
  designated: string[];
  /** Roots watched: the local `watch` list and the designated globs' roots. */
  watched: string[];
  /** Roots that do not exist on this machine, so nothing watches them. */
  missing: string[];
}

export function computeCoverage(
  local: string[],
  designated: string[],
): Coverage {
  const roots = [...new Set([...local, ...designated.map(globRoot)])].sort();
  return {
    designated,
    watched: roots.filter((root) => existsSync(root)),
    missing: roots.filter((root) => !existsSync(root)),
  };
}

/**
 * Stops the agent at start when the collector's host name does not exist,
 * which is a config mistake; an unreachable collector is not (the spool
 * holds batches until it is back).
 */
export async function checkCollectorHost(
  url: string,
  resolve: (host: string) => Promise<unknown> = lookup,
  configFile = 'config',
): Promise<void> {
  const host = new URL(url).hostname.replace(/^\[|\]$/g, '');
  if (isIP(host) !== 0) return;
  try {
    await resolve(host);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOTFOUND') return;
    throw new AgentError(
      'VIGIL_CONFIG_INVALID',
      `${configFile}: collector: host "${host}" does not exist ` +
        '(DNS: ENOTFOUND); check the URL',
    );
  }
}
