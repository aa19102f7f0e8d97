import { rngStream, shuffle } from '../engine/index.js';
import { Incast, Permutation, RingAllReduce, type Workload } from '../workloads/index.js';
import type { WorkloadSpec } from './spec.js';

const range = (n: number): number[] => Array.from({ length: n }, (_, i) => i);

/** Builds the workload a spec describes on a fabric of `gpus` GPUs. */
export function createWorkload(spec: WorkloadSpec, gpus: number, seed: number): Workload {
  switch (spec.kind) {
    case 'allreduce':
      return new RingAllReduce({ bytes: spec.bytes, channels: spec.channels, gpus: range(spec.ranks ?? gpus) });
    case 'permutation':
      return new Permutation(range(gpus), spec.bytes, rngStream(seed, 'workload/permutation'));
    case 'incast': {
      // Senders: a seeded random choice among the other GPUs, so they spread over leaves.
      const others = shuffle(
        range(gpus).filter((g) => g !== spec.target),
        rngStream(seed, 'workload/incast'),
      );
      return new Incast(others.slice(0, spec.senders).sort((a, b) => a - b), spec.target, spec.bytes);
    }
  }
}
