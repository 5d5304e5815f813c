import type { Command } from 'commander';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseAgentConfig } from '../agent/config.js';
import { enrollAgent } from '../agent/enroll.js';
import { auditAvailable } from '../agent/audit/audit-sensor.js';
import { runAgent } from '../agent/run.js';
import { initDataDir, loadDataDir, openStore } from '../collector/data-dir.js';
import { createEnrollToken } from '../collector/enroll.js';
import type { FlaggedViolation } from '../collector/ingest/ingest.js';
import { createLogger } from '../collector/log.js';
import { serveCollector } from '../collector/serve.js';
import { untilSignal } from './signals.js';
import { formatViolation } from './violations.js';

/** Where the demo's sensitive files live; `policies/` guards this folder. */
export const DEMO_ROOT = '/srv/vigil-demo';
const DEMO_VENDOR = 'acme-sub';
/** The repository root: the nearest folder above this file with package.json. */
const REPO_ROOT = findUp(dirname(fileURLToPath(import.meta.url)));

function findUp(dir: string): string {
  return existsSync(join(dir, 'package.json')) || dirname(dir) === dir
    ? dir
    : findUp(dirname(dir));
}

const DEMO_FILES: Record<string, string> = {
  'customers/clients.csv':
    'id,name,phone\n1,Li Wei,+86-10-5550-0101\n2,Anna Berg,+46-8-555-0102\n',
  'customers/contracts.csv': 'id,client,value\nC-17,1,120000\nC-18,2,98000\n',
  'finance/reports/2026-q3.csv': 'quarter,revenue\n2026-Q3,1830000\n',
  'personal-data/eu/passport-scans.csv': 'id,passport\n1,C01X00T47\n',
  'records/ledger-2025.csv': 'entry,amount\n1,-420.00\n',
  'source/billing/invoice.py': 'VAT_RATE = 0.13\n',
  'source/payroll/salary.py': 'BASE = 1\n',
  'credentials/db-password.txt': 'not-a-real-password\n',
};

/** Demo files only root may read: a read by anyone else is a denied attempt. */
const PRIVATE_FILES = new Set(['credentials/db-password.txt']);

/**
 * The whole path on one machine: a collector on 127.0.0.1, an agent enrolled
 * to it watching a demo folder, and every violation printed as it is flagged.
 */
export function registerUpCommand(program: Command): void {
  program
    .command('up')
    .description(
      'run a local collector and agent on a demo folder and print violations live',
    )
    .option(
      '--dir <dir>',
      'where the demo keeps its collector and agent state',
      '.vigil',
    )
    .option('--policies <dir>', 'policy directory', join(REPO_ROOT, 'policies'))
    .action(async (opts: { dir: string; policies: string }) => {
      const dir = resolve(opts.dir);
      const audit = await auditAvailable();
      const logger = createLogger('vigil', 'warn');
      const collectorDir = join(dir, 'collector');
      const identity = existsSync(join(collectorDir, 'ca.pem'))
        ? loadDataDir(collectorDir)
        : initDataDir(collectorDir);
      const collector = await serveCollector({
        dataDir: collectorDir,
        listen: '127.0.0.1:0',
        policiesDir: resolve(opts.policies),
        logger,
        onViolation: (v) => console.log(describe(v)),
      });
      const stateDir = join(dir, 'agent');
      if (!existsSync(join(stateDir, 'identity.json'))) {
        const store = openStore(collectorDir);
        const { token } = createEnrollToken(store, DEMO_VENDOR);
        store.close();
        await enrollAgent({
          collector: collector.url,
          token,
          caFingerprint: identity.caFingerprint,
          stateDir,
        });
      }
      writeDemoFiles();
      const config = parseAgentConfig(
        JSON.stringify({
          collector: collector.url,
          state: stateDir,
          watch: [DEMO_ROOT],
          log_level: 'warn',
        }),
      );
      const agent = await runAgent(config, logger);
      printBanner(collector.url, collectorDir, audit);
      await untilSignal();
      console.log('\nstopping…');
      await agent.stop({ removeRules: true });
      await collector.close();
      console.log(
        `stored in ${collectorDir}; list again with: node ${process.argv[1]} violations list --data ${collectorDir}`,
      );
    });
}

function writeDemoFiles(): void {
  for (const [name, text] of Object.entries(DEMO_FILES)) {
    const file = join(DEMO_ROOT, name);
    mkdirSync(dirname(file), { recursive: true });
    if (!existsSync(file)) {
      writeFileSync(file, text, {
        mode: PRIVATE_FILES.has(name) ? 0o600 : 0o644,
      });
    }
  }
}

function describe(v: FlaggedViolation): string {
  return formatViolation({
    id: v.id,
    policy: v.policy,
    rule: v.rule,
    kind: '',
    severity: v.severity,
    status: 'open',
    reason: v.reason,
    policyHash: '',
    compliance: [],
    agent: v.event.agent.id,
    createdAt: '',
    event: v.event,
  });
}

function printBanner(
  url: string,
  collectorDir: string,
  audit: { ok: true } | { ok: false; reason: string },
) {
  console.log(`Vigil is up: collector ${url}, store ${collectorDir}`);
  console.log(
    `watching ${DEMO_ROOT} (policies: customer records readable by group "analysts" only; no deletes)`,
  );
  if (!audit.ok) {
    console.log(`\nReads cannot be seen: ${audit.reason}`);
    console.log(
      'Vigil needs the kernel audit subsystem for reads and for who did them.',
    );
  } else {
    console.log('\nTry, in another terminal:');
    console.log(
      `  cat ${DEMO_ROOT}/customers/clients.csv      # a read by someone not in "analysts"`,
    );
    console.log(
      `  rm ${DEMO_ROOT}/customers/contracts.csv     # a forbidden delete`,
    );
  }
  console.log('Violations appear below as they are flagged. Ctrl-C stops.\n');
}
