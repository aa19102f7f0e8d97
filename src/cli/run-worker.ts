/**
 * A worker thread of `fabsim run --jobs N`: simulates the runs it is sent, one at a time, with
 * the same live runner as the sequential path, posting its progress; `{ stop: true }` cuts
 * the current run short (Ctrl-C), its row then partial.
 */
import { parentPort } from 'node:worker_threads';
// live-run alone, not the experiment's index: a worker need not load the spec schemas (~1 s a worker on this machine).
import { runPlannedLive, type LiveRun, type LiveRunOptions, type Progress } from '../experiment/live-run.js';
import type { ExperimentSpec } from '../experiment/spec.js';

export interface RunTask {
  spec: ExperimentSpec;
  /** The run, in planRuns order. */
  index: number;
  sampling: LiveRunOptions['sampling'];
  flows: boolean;
  explain?: boolean;
}

/** Progress, building (a stop cannot reach it until) built, or the run's reply. */
export type RunWorkerMessage = { progress: Progress } | { building: number } | { built: number } | (LiveRun & { index: number });

let current: AbortController | undefined;

parentPort!.on('message', (message: RunTask | { stop: true }) => {
  if ('stop' in message) return current?.abort();
  const { spec, index, sampling, flows, explain } = message;
  const interrupt = new AbortController();
  current = interrupt;
  void runPlannedLive(spec, index, {
    sampling,
    flows,
    explain,
    signal: interrupt.signal,
    onBuilding: () => parentPort!.postMessage({ building: index } satisfies RunWorkerMessage),
    onBuilt: () => parentPort!.postMessage({ built: index } satisfies RunWorkerMessage),
    onProgress: (progress) => parentPort!.postMessage({ progress } satisfies RunWorkerMessage),
  }).then((run) => {
    current = undefined;
    parentPort!.postMessage({ index, ...run } satisfies RunWorkerMessage);
  });
});
