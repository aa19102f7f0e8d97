import { rngStream, shuffle } from '../engine/index.js';
import {
  AllToAll,
  Broadcast,
  HalvingDoubling,
  HierarchicalAllReduce,
  incast,
  permutation,
  RingCollective,
  TreeAllReduce,
  type Collective,
  type CollectiveParams,
  type Workload,
} from '../workloads/index.js';
import { formatSize } from './sizes.js';
import type { WorkloadSpec } from './spec.js';

const range = (n: number): number[] => Array.from({ length: n }, (_, i) => i);

/** An HGX server's GPUs: the node size hierarchical all-reduce assumes unless told. */
export const DEFAULT_GPUS_PER_NODE = 8;

/** Builds the workload a spec describes on a fabric of `gpus` GPUs. */
export function createWorkload(spec: WorkloadSpec, gpus: number, seed: number): Workload {
  switch (spec.kind) {
    case 'permutation':
      return permutation(range(gpus), spec.bytes, rngStream(seed, 'workload/permutation'));
    case 'incast': {
      // Senders: a seeded random choice among the other GPUs, so they spread over leaves.
      const others = shuffle(
        range(gpus).filter((g) => g !== spec.target),
        rngStream(seed, 'workload/incast'),
      );
      return incast(others.slice(0, spec.senders).sort((a, b) => a - b), spec.target, spec.bytes);
    }
    default:
      return createCollective(spec, gpus, seed);
  }
}

type CollectiveSpec = Exclude<WorkloadSpec, { kind: 'permutation' } | { kind: 'incast' }>;

function createCollective(spec: CollectiveSpec, gpus: number, seed: number): Collective {
  const ranks = spec.ranks ?? gpus;
  const params: CollectiveParams = {
    gpus: spec.placement === 'packed' ? range(ranks) : shuffle(range(gpus), rngStream(seed, 'workload/placement')).slice(0, ranks),
    bytes: spec.bytes,
    channels: spec.channels,
    chunkBytes: spec.chunkBytes,
    qpsPerConnection: spec.qpsPerConnection,
  };
  switch (spec.kind) {
    case 'allreduce':
      return createAllReduce(spec, params);
    case 'allgather':
      return new RingCollective('allgather', params);
    case 'reducescatter':
      return new RingCollective('reducescatter', params);
    case 'alltoall':
      return new AllToAll(params);
    case 'broadcast':
      return new Broadcast(params);
  }
}

function createAllReduce(spec: Extract<WorkloadSpec, { kind: 'allreduce' }>, params: CollectiveParams): Collective {
  switch (spec.algorithm) {
    case 'ring':
      return new RingCollective('allreduce', params);
    case 'tree':
      return new TreeAllReduce(params);
    case 'halving-doubling':
      return new HalvingDoubling(params);
    case 'hierarchical':
      return new HierarchicalAllReduce(params, spec.gpusPerNode ?? DEFAULT_GPUS_PER_NODE);
  }
}

/** A short label for result rows: "allreduce/ring 64MiB x4", "permutation 8MiB", "incast 32:1 2MiB". */
export function workloadLabel(spec: WorkloadSpec): string {
  switch (spec.kind) {
    case 'permutation':
      return `permutation ${formatSize(spec.bytes)}`;
    case 'incast':
      return `incast ${spec.senders}:1 ${formatSize(spec.bytes)}`;
    default: {
      const algorithm = 'algorithm' in spec ? `/${spec.algorithm}` : '';
      const knobs = [
        spec.channels > 1 ? ` x${spec.channels}` : '',
        spec.chunkBytes === undefined ? '' : ` chunk ${formatSize(spec.chunkBytes)}`,
        spec.qpsPerConnection > 1 ? ` ${spec.qpsPerConnection}qp` : '',
        spec.ranks === undefined ? '' : ` ${spec.ranks} ranks`,
        spec.placement === 'random' ? ' random' : '',
      ];
      return `${spec.kind}${algorithm} ${formatSize(spec.bytes)}${knobs.join('')}`;
    }
  }
}
