import type { ExperimentResult, ExperimentSpec } from '../experiment/index.js';
import type { PartOutputs } from '../experiment/threads/run-part.js';
import { runExperimentThreaded, type ThreadsLive } from '../experiment/threads/threads-run.js';
import { threadsProblem } from '../experiment/threads/threads-support.js';
import { fail } from './fail.js';
import type { RunOptions } from './run-command.js';

/** More threads than this is a typo, not a machine. */
const MAX_THREADS = 256;

/** --threads: how many worker threads one run is split over (the parallel packet engine). */
export function parseThreads(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const threads = Number(text);
  if (!/^\d+$/.test(text) || !(threads >= 1 && threads <= MAX_THREADS)) fail(`--threads: expected a whole number of threads from 1 to ${MAX_THREADS}, got "${text}"`);
  return threads;
}

/** The options the parallel engine does not take yet: each is an error, never silently dropped. */
const NOT_WITH_THREADS = ['explain'] as const;

/** Refuses, with one line and exit code 2, a spec or option `--threads` does not run (before anything starts). */
export function checkThreads(spec: ExperimentSpec, threads: number, options: RunOptions): void {
  for (const name of NOT_WITH_THREADS) if (options[name] !== undefined) fail(`--threads: --${name} is not supported with --threads yet`);
  const problem = threadsProblem(spec, { threads });
  if (problem !== null) fail(problem);
}

/**
 * `fabsim run SPEC --threads N [--jobs J]`: every run split over N threads (README "--threads"),
 * J runs at once (default 1: the threads already take the cores); the rows as without it,
 * identical for every N and J (wallMs apart), time series included. A line per run with its
 * threads' figures (events, CPU, windows, time at barriers) goes to `log`.
 */
export function runThreadsCommand(
  spec: ExperimentSpec,
  threads: number,
  outputs: PartOutputs,
  jobs: number,
  live: Omit<ThreadsLive, 'onResult'> & { log: (line: string) => void },
): Promise<ExperimentResult> {
  return runExperimentThreaded(
    spec,
    threads,
    {
      ...live,
      onResult: (row, stats) => {
        const events = stats.map((s) => s.events);
        const cpu = stats.map((s) => (s.cpuMs / 1000).toFixed(1));
        const barrier = stats.map((s) => `${Math.round((100 * s.barrierMs) / Math.max(1, s.runMs))}%`);
        live.log(
          `fabsim: ${row.fabric} ${row.completed ? 'done' : 'stopped'} in ${(row.wallMs / 1000).toFixed(1)} s on ${threads} thread${threads === 1 ? '' : 's'}` +
            ` (${row.events} events; per thread ${events.join('/')} events, ${cpu.join('/')} s CPU; ${stats[0]!.windows} windows; at barriers ${barrier.join('/')}` +
            (stats.some((s) => s.replayed > 0) ? `; deliveries replayed ${stats.map((s) => s.replayed).join('/')})` : ')'),
        );
      },
    },
    outputs,
    jobs,
  );
}
