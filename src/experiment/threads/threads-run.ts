import { performance } from 'node:perf_hooks';
import { MessageChannel, Worker, type MessagePort } from 'node:worker_threads';
import { WindowBarrier } from '../../engine/parallel/window-barrier.js';
import { shapeOf } from '../../fabric/index.js';
import { createWorkload, workloadLabel } from '../create-workload.js';
import type { Progress } from '../live-run.js';
import type { ExperimentResult, FabricResult } from '../result.js';
import { experimentResult, planRuns } from '../runner.js';
import type { ExperimentSpec } from '../spec.js';
import { mergeParts } from './merge-parts.js';
import type { PartProgress } from './part-watch.js';
import type { PartOutputs, PartResult, PartStats, PartTask, ThreadsWorkerMessage } from './run-part.js';

/** What a threaded run reports as it goes, and how it is stopped. */
export interface ThreadsLive {
  /** Each run's row as it is merged, with its threads' figures. */
  onResult?: (result: FabricResult, stats: PartStats[]) => void;
  /** Every run going on, now and then (run order). */
  onProgress?: (running: Progress[], finished: number) => void;
  /** Aborting stops every run going on after its current window and starts no other; the result is then marked partial. */
  signal?: AbortSignal;
}

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
  live: ThreadsLive = {},
  outputs: PartOutputs = {},
  jobs = 1,
): Promise<ExperimentResult> {
  const planned = planRuns(spec);
  const results: (FabricResult | undefined)[] = new Array(planned.length).fill(undefined);
  const running = new Map<number, Progress>();
  let finished = 0;
  let stopped = false;
  let next = 0;
  const shape = shapeOf(spec.topology);
  const runNext = async (): Promise<void> => {
    for (let i = next++; i < planned.length && !live.signal?.aborted; i = next++) {
      const started = performance.now();
      const { workload, config } = planned[i]!;
      const made = createWorkload(workload, shape.gpus, spec.seed, shape.gpusPerNode);
      const run: RunOfSpec = { fabric: config.name, workload: workloadLabel(workload), run: i + 1, runs: planned.length, totalBytes: made.plannedBytes ?? made.totalBytes };
      const onProgress = (parts: PartProgress[]) => {
        running.set(i, progressOf(run, parts, started));
        live.onProgress?.([...running.entries()].sort(([a], [b]) => a - b).map(([, p]) => p), finished);
      };
      const parts = await runOnThreads(spec, i, threads, outputs, { signal: live.signal, onProgress });
      running.delete(i);
      finished++;
      stopped ||= parts[0]!.stopped;
      results[i] = mergeParts(spec, i, parts, performance.now() - started);
      live.onResult?.(results[i]!, parts.map((p) => p.stats));
    }
  };
  await Promise.all(Array.from({ length: Math.min(jobs, planned.length) }, runNext));
  const done = results.filter((r): r is FabricResult => r !== undefined);
  return experimentResult(spec, done, stopped || done.length < planned.length);
}

/** What progress names a run by, and the bytes it will deliver (known up front). */
type RunOfSpec = Omit<Progress, 'simUs' | 'delivered' | 'events' | 'wallMs'> & { totalBytes: number };

/** A run's progress from its threads' latest reports: their events and deliveries summed, the time the slowest has reached. */
function progressOf({ totalBytes, ...run }: RunOfSpec, parts: readonly PartProgress[], startedMs: number): Progress {
  const delivered = parts.reduce((sum, p) => sum + p.bytesDelivered, 0);
  return {
    ...run,
    simUs: Math.min(...parts.map((p) => p.simPs)) / 1e6,
    delivered: totalBytes > 0 ? Math.min(1, delivered / totalBytes) : 1,
    events: parts.reduce((sum, p) => sum + p.events, 0),
    wallMs: performance.now() - startedMs,
  };
}

/** How one run on threads is watched and stopped. */
interface RunWatch {
  signal?: AbortSignal;
  /** The latest report of every thread (once each has reported). */
  onProgress?: (parts: PartProgress[]) => void;
}

/** Run `runIndex` of the spec on `threads` worker threads; their parts in thread order. */
export async function runOnThreads(spec: ExperimentSpec, runIndex: number, threads: number, outputs: PartOutputs = {}, watch: RunWatch = {}): Promise<PartResult[]> {
  const shared = new SharedArrayBuffer(WindowBarrier.sharedBytes(threads));
  const stopFlag = new SharedArrayBuffer(4);
  const stop = () => Atomics.store(new Int32Array(stopFlag), 0, 1);
  if (watch.signal?.aborted) stop();
  watch.signal?.addEventListener('abort', stop);
  const ports: (MessagePort | null)[][] = Array.from({ length: threads }, () => new Array<MessagePort | null>(threads).fill(null));
  for (let i = 0; i < threads; i++)
    for (let j = i + 1; j < threads; j++) {
      const { port1, port2 } = new MessageChannel();
      ports[i]![j] = port1;
      ports[j]![i] = port2;
    }
  const boot = new URL('./threads-worker-boot.mjs', import.meta.url);
  const workers: Worker[] = [];
  const latest: (PartProgress | undefined)[] = new Array(threads).fill(undefined);
  // One thread failing leaves the others waiting at a barrier forever: stop them all.
  const stopAll = () => workers.forEach((w) => void w.terminate());
  try {
    return await Promise.all(
      ports.map(
        (mine, part) =>
          new Promise<PartResult>((resolve, reject) => {
            const task: PartTask = { spec, runIndex, part, parts: threads, shared, ports: mine, stopFlag, ...outputs };
            const worker = new Worker(boot, { workerData: task, transferList: mine.filter((p): p is MessagePort => p !== null) });
            workers.push(worker);
            let done = false;
            worker.on('message', (message: ThreadsWorkerMessage) => {
              if ('progress' in message) {
                latest[part] = message.progress;
                if (latest.every((p) => p !== undefined)) watch.onProgress?.(latest as PartProgress[]);
                return;
              }
              done = true;
              resolve(message.result);
            });
            worker.once('error', reject);
            worker.once('exit', (code) => {
              if (!done) reject(new Error(`--threads: worker ${part} exited with code ${code} before its result`));
            });
          }),
      ),
    );
  } finally {
    watch.signal?.removeEventListener('abort', stop);
    stopAll();
  }
}
