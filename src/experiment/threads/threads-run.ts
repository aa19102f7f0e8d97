import { performance } from 'node:perf_hooks';
import { MessageChannel, Worker, type MessagePort } from 'node:worker_threads';
import { WindowBarrier } from '../../engine/parallel/window-barrier.js';
import type { ExperimentResult, FabricResult } from '../result.js';
import { experimentResult, planRuns } from '../runner.js';
import type { ExperimentSpec } from '../spec.js';
import { mergeParts } from './merge-parts.js';
import type { PartOutputs, PartResult, PartStats, PartTask } from './run-part.js';

/**
 * `fabsim run --threads N [--jobs J]`: each run of the spec split over N worker threads (one
 * part of the network each, run in conservative windows), J runs at once (default one after
 * another); every row merged from its parts, in the spec's order. The rows are the same
 * whatever N and J (wallMs apart): ties are broken by node keys, not by a thread's order
 * (see README "--threads").
 */
export async function runExperimentThreaded(
  spec: ExperimentSpec,
  threads: number,
  onResult?: (result: FabricResult, stats: PartStats[]) => void,
  outputs: PartOutputs = {},
  jobs = 1,
): Promise<ExperimentResult> {
  const runs = planRuns(spec).length;
  const results = new Array<FabricResult>(runs);
  let next = 0;
  const runNext = async (): Promise<void> => {
    for (let i = next++; i < runs; i = next++) {
      const started = performance.now();
      const parts = await runOnThreads(spec, i, threads, outputs);
      results[i] = mergeParts(spec, i, parts, performance.now() - started);
      onResult?.(results[i]!, parts.map((p) => p.stats));
    }
  };
  await Promise.all(Array.from({ length: Math.min(jobs, runs) }, runNext));
  return experimentResult(spec, results, false);
}

/** Run `runIndex` of the spec on `threads` worker threads; their parts in thread order. */
export async function runOnThreads(spec: ExperimentSpec, runIndex: number, threads: number, outputs: PartOutputs = {}): Promise<PartResult[]> {
  const shared = new SharedArrayBuffer(WindowBarrier.sharedBytes(threads));
  const ports: (MessagePort | null)[][] = Array.from({ length: threads }, () => new Array<MessagePort | null>(threads).fill(null));
  for (let i = 0; i < threads; i++)
    for (let j = i + 1; j < threads; j++) {
      const { port1, port2 } = new MessageChannel();
      ports[i]![j] = port1;
      ports[j]![i] = port2;
    }
  const boot = new URL('./threads-worker-boot.mjs', import.meta.url);
  const workers: Worker[] = [];
  // One thread failing leaves the others waiting at a barrier forever: stop them all.
  const stopAll = () => workers.forEach((w) => void w.terminate());
  try {
    return await Promise.all(
      ports.map(
        (mine, part) =>
          new Promise<PartResult>((resolve, reject) => {
            const task: PartTask = { spec, runIndex, part, parts: threads, shared, ports: mine, ...outputs };
            const worker = new Worker(boot, { workerData: task, transferList: mine.filter((p): p is MessagePort => p !== null) });
            workers.push(worker);
            let done = false;
            worker.once('message', (result: PartResult) => {
              done = true;
              resolve(result);
            });
            worker.once('error', reject);
            worker.once('exit', (code) => {
              if (!done) reject(new Error(`--threads: worker ${part} exited with code ${code} before its result`));
            });
          }),
      ),
    );
  } finally {
    stopAll();
  }
}
