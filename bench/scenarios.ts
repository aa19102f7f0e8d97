import { readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import { formatSize } from '../src/experiment/sizes.js';
import { validateSpec } from '../src/experiment/load-spec.js';
import type { ExperimentSpec } from '../src/experiment/spec.js';

/** One benchmark run: a workload on a leaf-spine of `gpus` GPUs with the ethernet preset, unless told otherwise. */
export interface Scenario {
  name: string;
  workload: 'allreduce' | 'permutation';
  /** All-reduce algorithm (default ring). */
  algorithm?: 'ring' | 'hierarchical';
  /** Hierarchical all-reduce: the algorithm across nodes (default ring). */
  interNode?: 'ring' | 'tree';
  /** Another topology than leaf-spine (its `gpus` is this scenario's). */
  topology?: Record<string, unknown>;
  /** A preset name or a fabric object (`{ preset, ...overrides }`); default ethernet. */
  fabric?: string | Record<string, unknown>;
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
 * htsim's published scaling case on fabsim's own roce (DCQCN, ECN, a dynamic PFC threshold):
 * 3-tier fat-tree, every host sends 2 MB to a random permutation partner, 100 Gb/s, 1 µs per
 * hop, 4000 B packets. The shape of htsim's case, not its input: htsim-as-htsim (below) is.
 */
const htsim = (radix: number, gpus: number): Scenario => ({
  name: `htsim-permutation-${gpus}`,
  workload: 'permutation',
  gpus,
  gpusPerLeaf: 0,
  topology: { kind: 'fat-tree', radix, linkGbps: 100, linkDelayNs: 1000 },
  fabric: { preset: 'roce', mtuBytes: 4000 },
  bytes: 2_000_000,
  note: `fat-tree radix ${radix}, roce, 100G, 1 µs/hop, MTU 4000, 2 MB per host (htsim's case)`,
});
/**
 * htsim's RoCE field by field (no CC, no ECN, go-back-N, 64 B headers and ACKs, PFC above 15
 * packets of 4,000 B): the `roce-as-htsim` fabric of the cross-check's spec, read from it so
 * the two never drift apart.
 */
const ROCE_AS_HTSIM = (parseYaml(readFileSync(new URL('../experiments/htsim-permutation-1024.yaml', import.meta.url), 'utf8')) as { fabrics: { name?: string }[] }).fabrics.find(
  (f) => f.name === 'roce-as-htsim',
)!;

/**
 * The same input htsim reads (README "Cross-check against htsim"): htsim's RoCE on fabsim's
 * seeded permutation, which `export-matrix` writes as the .cm htsim_roce reads (-strat
 * ecmp_host -paths 1 -mtu 4000 -linkspeed 100000). Its htsim times (bench/run.ts) are htsim
 * on that .cm on this machine.
 */
const htsimAsHtsim = (radix: number, gpus: number): Scenario => ({
  ...htsim(radix, gpus),
  name: `htsim-as-htsim-${gpus}`,
  fabric: ROCE_AS_HTSIM,
  note: `fat-tree radix ${radix}, htsim's RoCE field by field (no CC, PFC above 15 packets), 100G, 1 µs/hop, MTU 4000, 2 MB per host: htsim's input`,
});
const HTSIM_SCENARIOS = [htsimAsHtsim(16, 1024), htsimAsHtsim(32, 8192), htsim(16, 1024), htsim(32, 8192)];

/**
 * Sizes are picked for ~2–20 s of wall time at ~1.5M events/s. A 4-hop data packet costs
 * ~16 events (port + link per hop, same again for its ACK); a 2-hop one ~8.
 * Ring all-reduce sends N·2(N−1) messages, so beyond ~1000 ranks even one packet per chunk
 * is more than the budget: the 8192 run is capped and measures throughput, not completion
 * (at 8192 GPUs the simulator runs ~0.6M events/s, so 12M events ≈ 20 s).
 */
export const SCENARIOS: Scenario[] = [
  ...HTSIM_SCENARIOS,
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
    interNode: 'tree',
    gpus: 32768,
    gpusPerLeaf: 0,
    topology: { kind: 'rail-optimized', radix: 64, tiers: 3 },
    fabric: 'spectrum-x',
    bytes: 1 * MiB,
    note: 'issue #5 target 2 at 1/64 of its 64 MiB: rail-optimized, 3 tiers, radix 64, spectrum-x, tree across nodes, NVLink per message; runs to the end (13.5M events; 4 MiB: 57.4M — events grow with the bytes, so 64 MiB is ~0.9G events)',
  },
  {
    name: 'rail-hierarchical-8192',
    workload: 'allreduce',
    algorithm: 'hierarchical',
    interNode: 'tree',
    gpus: 8192,
    gpusPerLeaf: 0,
    topology: { kind: 'rail-optimized', radix: 64, tiers: 3 },
    fabric: 'spectrum-x',
    bytes: 8 * MiB,
    note: 'rail-optimized, 3 tiers, radix 64 (8 pods of 1,024 GPUs), spectrum-x, tree across the 1,024 nodes (depth 10, 4 slices of 128 KiB per tree); runs to the end, so the bench checks it against its alpha-beta cost (~75 s on the shared machine)',
  },
  {
    name: 'build-colossus-102400',
    workload: 'allreduce',
    algorithm: 'hierarchical',
    interNode: 'tree',
    gpus: 102400,
    gpusPerLeaf: 0,
    topology: { kind: 'rail-optimized', radix: 128, tiers: 3 },
    fabric: 'spectrum-x',
    bytes: 16 * MiB,
    maxEvents: 1,
    note: 'issue #5 target 4, setup only: Colossus-like 12,800 servers × 8 GPUs, 400G, radix 128, 3 tiers (build + first messages)',
  },
  {
    name: 'build-colossus-25600',
    workload: 'allreduce',
    algorithm: 'hierarchical',
    interNode: 'tree',
    gpus: 25600,
    gpusPerLeaf: 0,
    topology: { kind: 'rail-optimized', radix: 128, tiers: 3 },
    fabric: 'spectrum-x',
    bytes: 16 * MiB,
    maxEvents: 1,
    note: 'the same at a quarter of the size: setup should scale linearly',
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
  {
    name: 'dragonfly-ugal-1024',
    workload: 'permutation',
    gpus: 1024,
    gpusPerLeaf: 0,
    // experiments/dragonfly-vs-clos.yaml's balanced dragonfly (a = 2p = 2h) with Slingshot's rates and delays per hop class.
    topology: {
      kind: 'dragonfly',
      groups: 8,
      routersPerGroup: 16,
      hostsPerRouter: 8,
      globalLinksPerRouter: 8,
      linkGbps: 200,
      localGbps: 200,
      globalGbps: 200,
      linkDelayNs: 100,
      localDelayNs: 300,
      globalDelayNs: 1000,
    },
    fabric: { preset: 'ethernet', routing: 'ugal', lossRecovery: 'ooo' },
    bytes: 4 * MiB,
    note: '8 groups × 16 routers × 8 GPUs, UGAL-L, out-of-order NIC; on threads whole groups, so the windows are a global hop (1 µs)',
  },
];

export function findScenario(name: string): Scenario {
  const s = SCENARIOS.find((x) => x.name === name);
  if (!s) throw new Error(`unknown scenario "${name}"; known: ${SCENARIOS.map((x) => x.name).join(', ')}`);
  return s;
}

/** The validated experiment spec of a scenario (through the same schema as user specs). */
export function specOf(s: Scenario, slotCredits?: 'cts'): ExperimentSpec {
  return validateSpec({
    name: `bench-${s.name}`,
    seed: 1,
    topology: s.topology
      ? { linkGbps: 400, linkDelayNs: 500, ...s.topology, gpus: s.gpus }
      : { kind: 'leaf-spine', gpus: s.gpus, gpusPerLeaf: s.gpusPerLeaf, linkGbps: 400, linkDelayNs: 500 },
    fabrics: [s.fabric ?? 'ethernet'],
    workload: {
      kind: s.workload,
      bytes: formatSize(s.bytes),
      ...(s.algorithm ? { algorithm: s.algorithm } : {}),
      ...(s.interNode ? { interNode: s.interNode } : {}),
      ...(slotCredits ? { slotCredits } : {}),
    },
    limits: s.maxEvents === undefined ? {} : { maxEvents: s.maxEvents },
  });
}

/**
 * The spec the parallel engine runs for a scenario: trees across nodes with NCCL's slots free them by
 * clear-to-sends over the fabric (slotCredits: cts), the only credits that can cross threads;
 * everything else as specOf.
 */
export function threadsSpecOf(s: Scenario): ExperimentSpec {
  return specOf(s, s.algorithm === 'hierarchical' && s.interNode === 'tree' ? 'cts' : undefined);
}
