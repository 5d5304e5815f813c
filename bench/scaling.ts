import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { BenchGroup, Benchmark } from './harness.js';
import { IngestRig, type IngestRound } from './ingest-rig.js';

/** Events sent per measurement: about ten seconds of ingest here. */
const EVENTS = 40_000;
const EVENTS_QUICK = 4_000;
const BASE = { agents: 4, size: 500, policies: 50 };

interface Config {
  label: string;
  agents: number;
  size: number;
  policies: number;
}

/** Three sizes each of agents, events per batch and policies, the rest at BASE. */
export const SCALING_CONFIGS: readonly Config[] = [
  ...[1, 2, 4].map((agents) => ({
    ...BASE,
    agents,
    label: `${agents} agent${agents > 1 ? 's' : ''}`,
  })),
  ...[100, 500, 2000].map((size) => ({
    ...BASE,
    size,
    label: `${size} events/batch`,
  })),
  ...[10, 100, 1000].map((policies) => ({
    ...BASE,
    policies,
    label: `${policies} policies`,
  })),
];

let rig: IngestRig | undefined;

/**
 * How the collector's cost grows with agents, batch size and policies: the
 * ingest benchmark's real path at three sizes of each, reporting events/s
 * and the collector process's CPU time per event.
 */
export const scalingGroup: BenchGroup = {
  name: 'scaling',
  rounds: 3,
  quickRounds: 1,
  async setup({ quick, scratch }) {
    const dir = join(scratch, 'scaling');
    mkdirSync(dir);
    const started = await IngestRig.start(dir, BASE.agents, BASE.policies);
    rig = started;
    const events = quick ? EVENTS_QUICK : EVENTS;
    const cache = new Map<string, IngestRound>();
    const measure = async (config: Config, round: number) => {
      const key = `${config.label}#${round}`;
      let measured = cache.get(key);
      if (!measured) {
        await started.setPolicies(config.policies);
        const batches = Math.max(
          2,
          Math.round(events / config.agents / config.size),
        );
        measured = await started.round(config.agents, batches, config.size);
        cache.set(key, measured);
      }
      return measured;
    };
    return SCALING_CONFIGS.flatMap((config) => figures(config, measure));
  },
  async teardown() {
    await rig?.close();
    rig = undefined;
  },
};

function figures(
  config: Config,
  measure: (config: Config, round: number) => Promise<IngestRound>,
): Benchmark[] {
  const setting = `${config.agents} agents, ${config.size} events/batch, ${config.policies} policies`;
  return [
    {
      name: `scaling ${config.label}`,
      unit: 'events/s',
      measures: `ingest with ${setting}; events stored / wall time`,
      async run(round) {
        const m = await measure(config, round);
        return { value: m.events / m.seconds };
      },
    },
    {
      name: `scaling ${config.label}, CPU`,
      unit: 'µs/event',
      measures: `ingest with ${setting}; collector process CPU time (user + system) per event stored`,
      async run(round) {
        const m = await measure(config, round);
        return { value: m.collectorCpuMicros / m.events };
      },
    },
  ];
}
