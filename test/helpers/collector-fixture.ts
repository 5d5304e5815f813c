import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import pino from 'pino';
import { enrollAgent } from '../../agent/enroll.js';
import { loadAgentState, type AgentState } from '../../agent/state.js';
import {
  initDataDir,
  openStore,
  type CollectorIdentity,
} from '../../collector/data-dir.js';
import { createEnrollToken } from '../../collector/enroll.js';
import {
  serveCollector,
  type RunningCollector,
} from '../../collector/serve.js';

/** A real collector on 127.0.0.1 with one agent enrolled over real mTLS. */
export interface CollectorFixture {
  root: string;
  identity: CollectorIdentity;
  collector: RunningCollector;
  agent: AgentState;
  close(): Promise<void>;
}

export async function startCollectorFixture(
  policyYaml: string,
): Promise<CollectorFixture> {
  const root = mkdtempSync(join(tmpdir(), 'vigil-collector-'));
  const identity = initDataDir(join(root, 'data'));
  const policies = join(root, 'policies');
  mkdirSync(policies);
  writeFileSync(join(policies, 'policy.yaml'), policyYaml);
  const collector = await serveCollector({
    dataDir: identity.dir,
    listen: '127.0.0.1:0',
    policiesDir: policies,
    logger: pino({ level: 'silent' }),
  });
  const store = openStore(identity.dir);
  const { token } = createEnrollToken(store, 'acme');
  store.close();
  const stateDir = join(root, 'agent');
  await enrollAgent({
    collector: collector.url,
    token,
    caFingerprint: identity.caFingerprint,
    stateDir,
  });
  return {
    root,
    identity,
    collector,
    agent: loadAgentState(stateDir),
    async close() {
      await collector.close();
      rmSync(root, { recursive: true, force: true });
    },
  };
}

/** Every row of every table, for before/after comparisons. */
export function snapshotStore(dataDir: string): Record<string, unknown[]> {
  const db = new Database(join(dataDir, 'store.db'), { readonly: true });
  try {
    const tables = db
      .prepare(
        "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name",
      )
      .all() as { name: string }[];
    return Object.fromEntries(
      tables.map(({ name }) => [
        name,
        db.prepare(`SELECT * FROM "${name}"`).all(),
      ]),
    );
  } finally {
    db.close();
  }
}
