import { validateSpec } from '../src/experiment/load-spec.js';
import type { ExperimentSpec } from '../src/experiment/spec.js';

/** A flow-model benchmark run: one spec, one fabric (`model: flow`), measured in its own process. */
export interface FlowScenario {
  name: string;
  gpus: number;
  /** The whole spec document (validated by specOfFlow). */
  document: Record<string, unknown>;
  /** The targets. */
  maxWallS: number;
  maxRssGiB: number;
  note: string;
}

const MiB = 1024 * 1024;

/**
 * Hierarchical all-reduce on a three-tier rail-optimized fabric of radix-128, 400 Gb/s
 * switches (8 GPUs per server on NVLink), per-rail double binary trees across nodes (a
 * ring across 125,000 nodes would be 250,000 dependent steps, 2·10^10 messages per rail).
 * A radix-128 three-tier Clos holds at most 128³/4 = 524,288 GPUs non-blocking, so the
 * million-GPU fabric is oversubscribed: rail leaves 2:1 (84 servers, 42 uplinks), spines
 * 3:1 (96 down, 32 up), which holds 1,032,192.
 */
const hierarchical = (gpus: number, oversubscription: number, spineOversubscription: number, bytes: number, channels?: number): Record<string, unknown> => ({
  name: `flow-hierarchical-${gpus}`,
  seed: 1,
  topology: { kind: 'rail-optimized', gpus, radix: 128, tiers: 3, oversubscription, spineOversubscription, linkGbps: 400 },
  fabrics: [{ preset: 'ethernet', model: 'flow' }],
  workload: { kind: 'allreduce', algorithm: 'hierarchical', interNode: 'tree', bytes, ...(channels === undefined ? {} : { channels }) },
});

export const FLOW_SCENARIOS: FlowScenario[] = [
  {
    name: 'flow-hierarchical-100k',
    gpus: 100_000,
    document: hierarchical(100_000, 1, 1, 16 * MiB),
    maxWallS: 60,
    maxRssGiB: 20,
    note: 'rail-optimized radix 128, 3 tiers, 1:1, 400G; hierarchical all-reduce 16 MiB, tree across nodes; ethernet (ECMP), flow model',
  },
  {
    name: 'flow-hierarchical-100k-64m',
    gpus: 100_000,
    document: hierarchical(100_000, 1, 1, 64 * MiB, 2),
    maxWallS: 60,
    maxRssGiB: 20,
    note: 'as flow-hierarchical-100k at a realistic buffer: 64 MiB on 2 channels (issue #16: under 60 s per fabric)',
  },
  {
    name: 'flow-hierarchical-1m',
    gpus: 1_000_000,
    document: hierarchical(1_000_000, 2, 3, 16 * MiB),
    maxWallS: 600,
    maxRssGiB: 20,
    note: 'rail-optimized radix 128, 3 tiers, leaves 2:1, spines 3:1 (1:1 holds only 524,288), 400G; hierarchical all-reduce 16 MiB, tree across nodes; ethernet (ECMP), flow model',
  },
];

export function findFlowScenario(name: string): FlowScenario {
  const scenario = FLOW_SCENARIOS.find((s) => s.name === name);
  if (!scenario) throw new Error(`--scenario: one of ${FLOW_SCENARIOS.map((s) => s.name).join(', ')}; got "${name}"`);
  return scenario;
}

export function specOfFlow(scenario: FlowScenario): ExperimentSpec {
  return validateSpec(scenario.document);
}
