import { runPlannedLive } from '../experiment/live-run.js';
import { experimentResult, planRuns, type ExperimentResult, type ExperimentSpec, type FabricResult, type LiveRun, type LiveRunOptions, type Progress } from '../experiment/index.js';
import type { RunTask, RunWorkerMessage } from './run-worker.js';
import { INTERRUPT_GRACE_MS, isRelaunchedChild } from './heap-limit.js';
import { runOnWorkers } from './worker-pool.js';
import { RUN_WORKER_URL, takePrestartedRunWorker } from './run-worker-prestart.js';
import { lastRunDurations, longestFirst } from './run-durations.js';

export interface ParallelRunOptions {
  sampling: LiveRunOptions['sampling'];
  flows: boolean;
  explain?: boolean;
  /** Aborting stops the running runs (their rows partial) and starts no other. */
  signal: AbortSignal;
  /** The runs running now, in run order, after `finished` of `runs` are done. */
  onProgress: (running: Progress[], finished: number, runs: number) => void;
  onResult: (result: FabricResult) => void;
}

/**
 * `fabsim run --jobs N`: up to `jobs` runs of the spec at once, on this thread and `jobs` − 1
 * worker threads (all on workers in a relaunched child), started longest first by the spec's
 * last complete run (run-durations.ts; spec order the first time); each runs the same live
 * runner as the sequential path (runPlannedLive) from a fresh simulator and the spec's seed,
 * so every row is the one a sequential run gives (wallMs apart), and the rows come in spec
 * order, not in the order they started or ended.
 * Interrupted, the rows are those of the runs done and running, in spec order; a run building
 * its fabric (synchronous, deaf to the stop) on a worker at the interrupt, or still a second
 * later, is dropped: its worker is terminated; one building on this thread ends its build and
 * gives a partial row, as in a sequential run.
 */
export async function runExperimentOnWorkers(spec: ExperimentSpec, jobs: number, options: ParallelRunOptions): Promise<ExperimentResult> {
  const count = planRuns(spec).length;
  // Longest first, by the spec's last complete run (spec order the first time): the rows are the same either way.
  const tasks: RunTask[] = longestFirst(count, lastRunDurations(spec, count)).map((index) => ({ spec, index, sampling: options.sampling, flows: options.flows, explain: options.explain }));
  const running = new Map<number, Progress>();
  let finished = 0;
  const onProgress = (progress: Progress): void => {
    running.set(progress.run, progress);
    options.onProgress([...running.values()].sort((a, b) => a.run - b.run), finished, count);
  };
  const replies = await runOnWorkers<RunTask, LiveRun & { index: number }>(RUN_WORKER_URL, tasks, jobs, {
    prestarted: takePrestartedRunWorker(),
    // This thread runs runs too (its modules are loaded): one worker fewer to start. Not in a
    // relaunched child (a large topology): building one here would leave Ctrl-C unacknowledged
    // and the parent would kill the child, the other runs' partial rows with it.
    local: isRelaunchedChild()
      ? undefined
      : async ({ index, sampling, flows, explain }) => ({ index, ...(await runPlannedLive(spec, index, { sampling, flows, explain, signal: options.signal, onProgress })) }),
    isNote: (message) => !('result' in (message as RunWorkerMessage)),
    phaseOf: (message) => ('building' in (message as RunWorkerMessage) ? 'deaf' : 'built' in (message as RunWorkerMessage) ? 'listening' : undefined),
    deafGraceMs: INTERRUPT_GRACE_MS,
    onNote: (message) => {
      if ('progress' in (message as RunWorkerMessage)) onProgress((message as { progress: Progress }).progress);
    },
    onReply: ({ index, result }) => {
      running.delete(index + 1);
      finished++;
      options.onResult(result);
    },
    signal: options.signal,
    stopMessage: { stop: true },
  });
  const interrupted = replies.length < count || replies.some((r) => r.stopped);
  return experimentResult(spec, [...replies].sort((a, b) => a.index - b.index).map((r) => r.result), interrupted);
}
