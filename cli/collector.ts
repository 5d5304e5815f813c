import type { Command } from 'commander';
import { untilSignal } from './signals.js';
import ms from 'ms';
import { resolve } from 'node:path';
import { initDataDir, loadDataDir, openStore } from '../collector/data-dir.js';
import { createEnrollToken, ENROLL_TOKEN_TTL_MS } from '../collector/enroll.js';
import { createLogger } from '../collector/log.js';
import { backupStore } from '../collector/ops/backup.js';
import { registerAdminCommands } from './collector-admin.js';
import {
  forwardConfig,
  type ForwardFlags,
} from '../collector/forward/forward-config.js';
import {
  defaultIngestWorkers,
  parseIngestWorkers,
} from '../collector/ingest/open-pool.js';
import { serveCollector } from '../collector/serve.js';
import {
  CLOCK_CONFIRM_MS,
  CLOCK_SKEW_MAX_MS,
  SILENT_AFTER_MS,
  WATCHDOG_TICK_MS,
} from '../collector/watchdog/watchdog-options.js';
import { parseDuration } from '../protocol/duration.js';

export function registerCollectorCommands(program: Command): void {
  const collector = program
    .command('collector')
    .description('the owner-side service: keys, enrollment tokens, ingest');

  collector
    .command('init')
    .description(
      'create the CA, TLS, signing and sealing keys and an empty store',
    )
    .requiredOption('--data <dir>', 'collector data directory')
    .option(
      '--host <name...>',
      'extra host names or IPs for the TLS certificate',
      [],
    )
    .action((opts: { data: string; host: string[] }) => {
      const identity = initDataDir(resolve(opts.data), opts.host);
      console.log(`collector initialised in ${identity.dir}`);
      console.log(`CA fingerprint (SHA-256): ${identity.caFingerprint}`);
      console.log(`transparency log key: ${identity.log.verifierKey}`);
      console.log(
        `next: vigil collector serve --data ${opts.data} --listen 127.0.0.1:8443 --policies policies`,
      );
    });

  collector
    .command('token')
    .description('print a one-time enrollment token for a vendor')
    .requiredOption('--data <dir>', 'collector data directory')
    .requiredOption('--vendor <name>', 'vendor the enrolled agent belongs to')
    .option('--ttl <duration>', 'how long the token stays valid', '24h')
    .option('--json', 'print {"token", "caFingerprint", "expiresAt"}')
    .action(
      (opts: { data: string; vendor: string; ttl: string; json?: boolean }) => {
        const ttl = opts.ttl
          ? parseDuration(opts.ttl, '--ttl')
          : ENROLL_TOKEN_TTL_MS;
        const identity = loadDataDir(resolve(opts.data));
        const store = openStore(identity.dir);
        try {
          const { token, expiresAt } = createEnrollToken(
            store,
            opts.vendor,
            ttl,
          );
          if (opts.json) {
            console.log(
              JSON.stringify({
                token,
                caFingerprint: identity.caFingerprint,
                expiresAt,
              }),
            );
          } else {
            console.log(`token:          ${token}`);
            console.log(`ca fingerprint: ${identity.caFingerprint}`);
            console.log(`expires:        ${expiresAt}`);
            console.log(
              'on the vendor machine: vigil agent enroll --collector https://HOST:PORT ' +
                '--token <token> --ca-fingerprint <ca fingerprint> --state /var/lib/vigil',
            );
          }
        } finally {
          store.close();
        }
      },
    );

  collector
    .command('serve')
    .description(
      "serve enrollment, batch ingest and the people's API over HTTPS",
    )
    .requiredOption('--data <dir>', 'collector data directory')
    .option('--listen <host:port>', 'address to listen on', '127.0.0.1:8443')
    .requiredOption('--policies <dir>', 'directory of policy YAML files')
    .option('--log-level <level>', 'pino log level', 'info')
    .option(
      '--silent-after <duration>',
      'agent.silent: no batch or heartbeat for this long',
      ms(SILENT_AFTER_MS),
    )
    .option(
      '--watchdog-interval <duration>',
      'how often silence is checked',
      ms(WATCHDOG_TICK_MS),
    )
    .option(
      '--clock-skew <duration>',
      "agent.clock: largest skew between an agent's clock and this one",
      ms(CLOCK_SKEW_MAX_MS),
    )
    .option(
      '--clock-confirm <duration>',
      'agent.clock: how long batches must keep arriving late',
      ms(CLOCK_CONFIRM_MS),
    )
    .option(
      '--forward-file <path>',
      'append events and violations as JSON lines',
    )
    .option('--forward-url <url>', 'POST events and violations as NDJSON')
    .option('--forward-format <format>', 'ocsf or ecs', 'ocsf')
    .option('--forward-token-file <file>', 'bearer token for --forward-url')
    .option('--forward-ca <file>', "CA (PEM) for --forward-url's certificate")
    .option(
      '--ingest-workers <n>',
      'threads that open batches beside the store writer (0: none)',
      String(defaultIngestWorkers()),
    )
    .action(async (opts: ServeFlags) => {
      const forward = forwardConfig(opts);
      const watchdog = {
        silentAfterMs: parseDuration(opts.silentAfter, '--silent-after'),
        tickMs: parseDuration(opts.watchdogInterval, '--watchdog-interval'),
        clockSkewMs: parseDuration(opts.clockSkew, '--clock-skew'),
        clockConfirmMs: parseDuration(opts.clockConfirm, '--clock-confirm'),
      };
      const logger = createLogger('vigil-collector', opts.logLevel);
      const running = await serveCollector({
        dataDir: resolve(opts.data),
        listen: opts.listen,
        policiesDir: resolve(opts.policies),
        logger,
        watchdog,
        ingestWorkers: parseIngestWorkers(opts.ingestWorkers),
        ...(forward ? { forward } : {}),
      });
      logger.info({ url: running.url, watchdog }, 'collector listening');
      process.on('SIGHUP', () => running.reloadPolicies());
      await untilSignal();
      await running.close();
    });

  registerAdminCommands(collector);

  collector
    .command('backup')
    .description(
      'copy the store while the collector runs (SQLite online backup)',
    )
    .requiredOption('--data <dir>', 'collector data directory')
    .requiredOption('--out <file>', 'the copy to create (never replaced)')
    .action(async (opts: { data: string; out: string }) => {
      const counts = await backupStore(resolve(opts.data), resolve(opts.out));
      console.log(
        `backup written to ${resolve(opts.out)}: ${counts.events} events, ` +
          `${counts.batches} batches, ${counts.violations} violations`,
      );
      console.log(
        `keys are not in it: keep a copy of ${resolve(opts.data)}/*.key and *.pem`,
      );
    });
}

interface ServeFlags extends ForwardFlags {
  data: string;
  listen: string;
  policies: string;
  logLevel: string;
  silentAfter: string;
  watchdogInterval: string;
  clockSkew: string;
  clockConfirm: string;
  ingestWorkers: string;
}
