import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { AgentError } from './errors.js';

/** Files an enrolled agent keeps in its state directory. */
const FILES = {
  identity: 'identity.json',
  key: 'agent.key',
  cert: 'agent.pem',
  ca: 'ca.pem',
  signing: 'collector-signing.pem',
  sealing: 'collector-sealing.pem',
  logKey: 'collector-log.pub',
  spool: 'spool.db',
  auditCheckpoint: 'audit-checkpoint.json',
} as const;

export interface AgentIdentity {
  agentId: string;
  vendor: string;
  host: string;
  collector: string;
  enrolledAt: string;
}

/** Everything enrollment gave the agent, loaded from its state dir. */
export interface AgentState {
  dir: string;
  identity: AgentIdentity;
  privateKeyPem: string;
  certPem: string;
  caPem: string;
  signingCertPem: string;
  sealingCertPem: string;
  /** The collector's log verifier key; null in state enrolled before it. */
  logKey: string | null;
  spoolFile: string;
  auditCheckpointFile: string;
}

export function writeAgentState(
  dir: string,
  state: Omit<
    AgentState,
    'dir' | 'spoolFile' | 'auditCheckpointFile' | 'logKey'
  > & { logKey: string },
): void {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  // The private key never leaves this machine and is readable by root only.
  writeFileSync(join(dir, FILES.key), state.privateKeyPem, { mode: 0o600 });
  writeFileSync(join(dir, FILES.cert), state.certPem);
  writeFileSync(join(dir, FILES.ca), state.caPem);
  writeFileSync(join(dir, FILES.signing), state.signingCertPem);
  writeFileSync(join(dir, FILES.sealing), state.sealingCertPem);
  writeFileSync(join(dir, FILES.logKey), `${state.logKey}\n`);
  writeFileSync(
    join(dir, FILES.identity),
    JSON.stringify(state.identity, null, 2) + '\n',
  );
}

export function loadAgentState(dir: string): AgentState {
  if (!existsSync(join(dir, FILES.identity))) {
    throw new AgentError(
      'VIGIL_STATE_MISSING',
      `state: ${dir} is not an agent state directory (no identity.json); ` +
        'give the --state used with `vigil agent enroll`, or enroll first',
    );
  }
  const read = (name: string) => readFileSync(join(dir, name), 'utf8');
  return {
    dir,
    identity: JSON.parse(read(FILES.identity)) as AgentIdentity,
    privateKeyPem: read(FILES.key),
    certPem: read(FILES.cert),
    caPem: read(FILES.ca),
    signingCertPem: read(FILES.signing),
    sealingCertPem: read(FILES.sealing),
    logKey: existsSync(join(dir, FILES.logKey))
      ? read(FILES.logKey).trim()
      : null,
    spoolFile: join(dir, FILES.spool),
    auditCheckpointFile: join(dir, FILES.auditCheckpoint),
  };
}
