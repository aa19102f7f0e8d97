import { DEFAULT_GPUS_PER_NODE, type WorkloadSpec } from '../src/experiment/index.js';
import type { FabricModel } from '../src/fabric/index.js';
import { Collective, hierarchicalAllReduceAlphaBetaUs, ringAllReduceAlphaBetaUs, type Workload } from '../src/workloads/index.js';

/** A completed all-reduce's time over its alpha-beta cost, and which algorithm was checked. */
export interface AlphaBetaCheck {
  /** 'ring', or 'hierarchical/tree' / 'hierarchical/ring' (the algorithm across nodes). */
  algorithm: string;
  ratio: number;
  alphaBetaUs: number;
}

/**
 * Physics check at scale: a completed single-channel ring or hierarchical all-reduce over
 * every GPU (packed) against its alpha-beta cost (src/workloads/collectives/alpha-beta.ts).
 * Undefined for anything else (capped runs, other workloads, more than one channel run, placed ranks).
 * `gpusPerNode` is what the workload ran with: the spec's, else the topology's server, else 8.
 */
export function alphaBetaCheck(net: FabricModel, gpus: number, spec: WorkloadSpec, workload: Workload, simTimeUs: number): AlphaBetaCheck | undefined {
  // The channels it ran, not the spec's: left out, they default to the algorithm's (NCCL's on NVLink servers).
  const channels = workload instanceof Collective ? workload.channels : spec.kind === 'allreduce' ? spec.channels : undefined;
  if (!workload.finished || spec.kind !== 'allreduce' || channels !== 1) return undefined;
  if ((spec.ranks !== undefined && spec.ranks !== gpus) || spec.placement !== 'packed') return undefined;
  const all = Array.from({ length: gpus }, (_, i) => i);
  if (spec.algorithm === 'ring') {
    const alphaBetaUs = ringAllReduceAlphaBetaUs(net, all, spec.bytes).totalUs;
    return { algorithm: 'ring', ratio: simTimeUs / alphaBetaUs, alphaBetaUs };
  }
  if (spec.algorithm !== 'hierarchical') return undefined;
  const interNode = spec.interNode ?? 'ring';
  const gpusPerNode = spec.gpusPerNode ?? net.topology.nvlink?.gpusPerNode ?? DEFAULT_GPUS_PER_NODE;
  const alphaBetaUs = hierarchicalAllReduceAlphaBetaUs(net, all, spec.bytes, { gpusPerNode, interNode, chunkBytes: spec.chunkBytes }).totalUs;
  return { algorithm: `hierarchical/${interNode}`, ratio: simTimeUs / alphaBetaUs, alphaBetaUs };
}

/** 'ring' → 'ring', 'hierarchical/tree' → 'hierarchical (tree across nodes)'. */
export function algorithmLabel(algorithm: string | undefined): string {
  const [name, across] = (algorithm ?? 'ring').split('/');
  return across === undefined ? name! : `${name} (${across} across nodes)`;
}
