import { availableParallelism } from 'node:os';
import { fail } from './fail.js';
import { targetHeapMiB } from './heap-limit.js';

/** More worker threads than this is a typo, not a machine. */
const MAX_JOBS = 1024;

/** --jobs: how many runs of `fabsim run` at once, each on its own worker thread. */
export function parseJobs(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const jobs = Number(text);
  if (!/^\d+$/.test(text) || !(jobs >= 1 && jobs <= MAX_JOBS)) fail(`--jobs: expected a whole number of runs at once from 1 to ${MAX_JOBS}, got "${text}"`);
  return jobs;
}

/**
 * Peak heap of one run per GPU, from the largest runs measured (README, scale-limits.ts): a
 * 100,000-GPU packet run peaked at 7.5 GiB (~79 KiB a GPU; 5.5 GiB after issue #12: the bound keeps
 * the larger), the flow model's 1,000,000 GPUs
 * at 11.3 GiB (~12 KiB). A rough bound: packets in flight grow with the workload too.
 */
const PEAK_KIB_PER_GPU = { packet: 79, flow: 12 } as const;

/** The estimated peak heap of one run of `gpus` GPUs in `model`, MiB. */
export const runPeakMiB = (gpus: number, model: 'packet' | 'flow'): number => (gpus * PEAK_KIB_PER_GPU[model]) / 1024;

/**
 * Runs at once when --jobs is not given: one per core, no more than there are runs, and no
 * more than the heap (most of physical memory, heap-limit.ts) holds at the estimated peak of
 * the largest run: each worker's heap adds up, all in this one process.
 */
export function defaultJobs(runs: number, gpus: number, model: 'packet' | 'flow', heapMiB = targetHeapMiB(), cores = availableParallelism()): number {
  const fit = Math.floor(heapMiB / Math.max(1, runPeakMiB(gpus, model)));
  return Math.max(1, Math.min(cores, runs, fit));
}
