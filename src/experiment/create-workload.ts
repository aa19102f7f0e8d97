import { rngStream, shuffle } from '../engine/index.js';
import { incast, permutation, RingAllReduce, type Workload } from '../workloads/index.js';
import { formatSize } from './sizes.js';
import type { WorkloadSpec } from './spec.js';

const range = (n: number): number[] => Array.from({ length: n }, (_, i) => i);

/** Builds the workload a spec describes on a fabric of `gpus` GPUs. */
export function createWorkload(spec: WorkloadSpec, gpus: number, seed: number): Workload {
  switch (spec.kind) {
    case 'allreduce': {
      const ranks = spec.ranks ?? gpus;
      const placed =
        spec.placement === 'packed' ? range(ranks) : shuffle(range(gpus), rngStream(seed, 'workload/placement')).slice(0, ranks);
      return new RingAllReduce({ bytes: spec.bytes, channels: spec.channels, gpus: placed });
    }
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
  }
}

/** A short label for result rows: "allreduce/ring 64MiB x4", "permutation 8MiB", "incast 32:1 2MiB". */
export function workloadLabel(spec: WorkloadSpec): string {
  switch (spec.kind) {
    case 'allreduce':
      return `allreduce/${spec.algorithm} ${formatSize(spec.bytes)}${spec.channels > 1 ? ` x${spec.channels}` : ''}${
        spec.ranks === undefined ? '' : ` ${spec.ranks} ranks`
      }${spec.placement === 'random' ? ' random' : ''}`;
    case 'permutation':
      return `permutation ${formatSize(spec.bytes)}`;
    case 'incast':
      return `incast ${spec.senders}:1 ${formatSize(spec.bytes)}`;
  }
}
