import { join } from 'node:path';
import type { Logger } from 'pino';
import { openStore } from '../data-dir.js';
import type { CollectorStore } from '../store/store.js';
import { CursorStore } from './cursor-store.js';
import { toEcs } from './ecs.js';
import type { ForwardConfig, SinkConfig } from './forward-config.js';
import { ForwardMetrics } from './forward-metrics.js';
import { Forwarder } from './forwarder.js';
import { FileSink } from './file-sink.js';
import { HttpSink } from './http-sink.js';
import { toOcsf } from './ocsf.js';
import { ForwardReader } from './reader.js';
import type { Sink } from './sink.js';

/** SIEM forwarding of one running collector: a forwarder per sink. */
export interface Forwarding {
  metrics: ForwardMetrics;
  /** Starts every forwarder; call once the collector serves. */
  start(): void;
  /** Stops every forwarder and closes the read connection. */
  close(): Promise<void>;
}

/**
 * Sets up forwarding for `vigil collector serve` (docs/forwarding.md): its
 * own read-only connection to the store (opened after the writer
 * migrated it), and for each sink a cursor in `<data>/forward/` and a
 * dead-letter file beside it.
 */
export function openForwarding(options: {
  dataDir: string;
  config: ForwardConfig;
  logger: Logger;
}): Forwarding {
  const { dataDir, config, logger } = options;
  const store: CollectorStore = openStore(dataDir, true);
  const reader = new ForwardReader(store);
  const forwarders: Forwarder[] = [];
  const metrics = new ForwardMetrics(() =>
    forwarders.map((f) => ({ labels: { sink: f.name }, value: f.pending() })),
  );
  for (const sinkConfig of config.sinks) {
    const sink = openSink(sinkConfig);
    const cursors = CursorStore.forSink(dataDir, sink.name);
    metrics.addSink(sink.name);
    forwarders.push(
      new Forwarder({
        reader,
        sink,
        deadLetter: new FileSink(
          `${sink.name}.dead-letter`,
          join(dataDir, 'forward', `${sink.name}.dead-letter.ndjson`),
        ),
        cursors,
        format: config.format === 'ecs' ? toEcs : toOcsf,
        metrics,
        logger: logger.child({ sink: sink.name, format: config.format }),
        ...(config.retry ? { retry: config.retry } : {}),
        ...(config.pollMs ? { pollMs: config.pollMs } : {}),
      }),
    );
  }
  return {
    metrics,
    start() {
      for (const forwarder of forwarders) forwarder.start();
    },
    async close() {
      await Promise.all(forwarders.map((f) => f.stop()));
      store.close();
    },
  };
}

function openSink(config: SinkConfig): Sink {
  switch (config.kind) {
    case 'file':
      return new FileSink('file', config.path);
    case 'http':
      return new HttpSink(config);
  }
}
