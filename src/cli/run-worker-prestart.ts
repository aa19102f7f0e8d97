import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';

/** The module of a `fabsim run --jobs` worker: beside this file, from the sources and in the bundle alike. */
export const RUN_WORKER_URL = new URL('./run-worker-boot.mjs', import.meta.url);

let early: Worker | undefined;

/**
 * Starts one run worker before this thread loads the simulator and the spec (~0.2–0.3 s on
 * this project's 2-core machine), so the worker's own loading (~0.35 s) overlaps theirs
 * instead of following them. Unreferenced until taken: an unused one never keeps the
 * process alive. One core: nothing to overlap, none started.
 */
export function prestartRunWorker(): void {
  if (early !== undefined || availableParallelism() < 2) return;
  const worker = new Worker(RUN_WORKER_URL);
  worker.unref();
  // Failing before it is taken: dropped, and the pool's own worker reports the error.
  worker.once('error', () => {
    if (early === worker) early = undefined;
  });
  early = worker;
}

/** The prestarted worker, referenced again, or undefined; handed out once. */
export function takePrestartedRunWorker(): Worker | undefined {
  const worker = early;
  early = undefined;
  worker?.ref();
  return worker;
}

/** No worker will be needed (one run, --jobs 1, or a relaunched child runs the spec). */
export function discardPrestartedRunWorker(): void {
  void early?.terminate();
  early = undefined;
}
