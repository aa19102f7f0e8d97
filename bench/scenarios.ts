import { formatSize } from '../src/experiment/sizes.js';
import { validateSpec } from '../src/experiment/load-spec.js';
import type { ExperimentSpec } from '../src/experiment/spec.js';

/** One benchmark run: a workload on a leaf-spine of `gpus` GPUs with the ethernet preset, unless told otherwise. */
export interface Scenario {
  name: string;
  workload: 'allreduce' | 'permutation';
  /** All-reduce algorithm (default ring). */
  algorithm?: 'ring' | 'hierarchical';
  /** Another topology than leaf-spine (its `gpus` is this scenario's). */
  topology?: Record<string, unknown>;
  fabric?: string;
  gpus: number;
  gpusPerLeaf: number;
  /** Per-GPU buffer (all-reduce S) or message size (permutation). */
  bytes: number;
  /** Cap for a run that cannot finish within the event budget (it then reports completed: false). */
  maxEvents?: number;
  /** Why these bytes: printed next to the table. */
  note: string;
}

const KiB = 1024;
const MiB = 1024 * KiB;

/**
 * Sizes are picked for ~2–20 s of wall time at ~1.5M events/s. A 4-hop data packet costs
 * ~16 events (port + link per hop, same again for its ACK); a 2-hop one ~8.
 * Ring all-reduce sends N·2(N−1) messages, so beyond ~1000 ranks even one packet per chunk
 * is more than the budget: the 8192 run is capped and measures throughput, not completion
 * (at 8192 GPUs the simulator runs ~0.6M events/s, so 12M events ≈ 20 s).
 */
export const SCENARIOS: Scenario[] = [
  {
    name: 'allreduce-128',
    workload: 'allreduce',
    gpus: 128,
    gpusPerLeaf: 32,
    bytes: 48 * MiB,
    note: 'chunk S/N = 384KiB = 96 packets, ~3 BDP: bandwidth-bound',
  },
  {
    name: 'allreduce-1024',
    workload: 'allreduce',
    gpus: 1024,
    gpusPerLeaf: 32,
    bytes: 4 * MiB,
    note: 'chunk S/N = 4KiB = 1 packet: 2.1M messages already fill the budget, so latency-bound',
  },
  {
    name: 'allreduce-8192',
    workload: 'allreduce',
    gpus: 8192,
    gpusPerLeaf: 64,
    bytes: 32 * MiB,
    maxEvents: 12_000_000,
    note: 'chunk 4KiB = 1 packet; the full run needs 134M messages (~1.1e9 events): capped at 12M events (~20 s)',
  },
  {
    name: 'rail-hierarchical-32768',
    workload: 'allreduce',
    algorithm: 'hierarchical',
    gpus: 32768,
    gpusPerLeaf: 0,
    topology: { kind: 'rail-optimized', radix: 64, tiers: 3 },
    fabric: 'spectrum-x',
    bytes: 64 * MiB,
    maxEvents: 12_000_000,
    note: 'rail-optimized, 3 tiers, radix 64, spectrum-x; the ring across 4096 nodes has 2×4095 steps: capped at 12M events',
  },
  {
    name: 'permutation-128',
    workload: 'permutation',
    gpus: 128,
    gpusPerLeaf: 32,
    bytes: 16 * MiB,
    note: '4096 packets per GPU',
  },
  {
    name: 'permutation-1024',
    workload: 'permutation',
    gpus: 1024,
    gpusPerLeaf: 32,
    bytes: 2 * MiB,
    note: '512 packets per GPU',
  },
  {
    name: 'permutation-8192',
    workload: 'permutation',
    gpus: 8192,
    gpusPerLeaf: 64,
    bytes: 256 * KiB,
    note: '64 packets per GPU (~1 window)',
  },
];

export function findScenario(name: string): Scenario {
  const s = SCENARIOS.find((x) => x.name === name);
  if (!s) throw new Error(`unknown scenario "${name}"; known: ${SCENARIOS.map((x) => x.name).join(', ')}`);
  return s;
}

/** The validated experiment spec of a scenario (through the same schema as user specs). */
export function specOf(s: Scenario): ExperimentSpec {
  return validateSpec({
    name: `bench-${s.name}`,
    seed: 1,
    topology: s.topology
      ? { ...s.topology, gpus: s.gpus, linkGbps: 400, linkDelayNs: 500 }
      : { kind: 'leaf-spine', gpus: s.gpus, gpusPerLeaf: s.gpusPerLeaf, linkGbps: 400, linkDelayNs: 500 },
    fabrics: [s.fabric ?? 'ethernet'],
    workload: { kind: s.workload, bytes: formatSize(s.bytes), ...(s.algorithm ? { algorithm: s.algorithm } : {}) },
    limits: s.maxEvents === undefined ? {} : { maxEvents: s.maxEvents },
  });
}
