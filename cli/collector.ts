import type { Command } from 'commander';
import { resolve } from 'node:path';
import { initDataDir, loadDataDir, openStore } from '../collector/data-dir.js';
import { createEnrollToken, ENROLL_TOKEN_TTL_MS } from '../collector/enroll.js';
import { createLogger } from '../collector/log.js';
import { serveCollector } from '../collector/serve.js';
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
      'serve enrollment and batch ingest over HTTPS with client certificates',
    )
    .requiredOption('--data <dir>', 'collector data directory')
    .option('--listen <host:port>', 'address to listen on', '127.0.0.1:8443')
    .requiredOption('--policies <dir>', 'directory of policy YAML files')
    .option('--log-level <level>', 'pino log level', 'info')
    .action(
      async (opts: {
        data: string;
        listen: string;
        policies: string;
        logLevel: string;
      }) => {
        const logger = createLogger('vigil-collector', opts.logLevel);
        const running = await serveCollector({
          dataDir: resolve(opts.data),
          listen: opts.listen,
          policiesDir: resolve(opts.policies),
          logger,
        });
        logger.info({ url: running.url }, 'collector listening');
        process.on('SIGHUP', () => running.reloadPolicies());
        await untilSignal();
        await running.close();
      },
    );
}

/** Resolves on the first SIGINT or SIGTERM. */
export function untilSignal(): Promise<NodeJS.Signals> {
  return new Promise((resolve) => {
    process.once('SIGINT', () => resolve('SIGINT'));
    process.once('SIGTERM', () => resolve('SIGTERM'));
  });
}
