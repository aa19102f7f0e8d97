import type { ExperimentResult, ExperimentSpec } from '../experiment/index.js';
import type { PartOutputs } from '../experiment/threads/run-part.js';
import { runExperimentThreaded } from '../experiment/threads/threads-run.js';
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

/**
 * `fabsim run SPEC --threads N [--jobs J]`: every run split over N threads (README "--threads"),
 * J runs at once (default 1: the threads already take the cores); the rows as without it,
 * identical for every N and J (wallMs apart), time series included. Per-thread
 * figures (events, windows, time at barriers) go to stderr; the caller writes the outputs.
 */
export async function runThreadsCommand(spec: ExperimentSpec, threads: number, options: RunOptions, outputs: PartOutputs, jobs = 1): Promise<ExperimentResult> {
  for (const name of NOT_WITH_THREADS) if (options[name] !== undefined) fail(`--threads: --${name} is not supported with --threads yet`);
  const problem = threadsProblem(spec, { threads });
  if (problem !== null) fail(problem);
  return runExperimentThreaded(
    spec,
    threads,
    (row, stats) => {
      const events = stats.map((s) => s.events);
      const cpu = stats.map((s) => (s.cpuMs / 1000).toFixed(1));
      const barrier = stats.map((s) => `${Math.round((100 * s.barrierMs) / Math.max(1, s.runMs))}%`);
      process.stderr.write(
        `fabsim: ${row.fabric} ${row.completed ? 'done' : 'stopped'} in ${(row.wallMs / 1000).toFixed(1)} s on ${threads} thread${threads === 1 ? '' : 's'}` +
          ` (${row.events} events; per thread ${events.join('/')} events, ${cpu.join('/')} s CPU; ${stats[0]!.windows} windows; at barriers ${barrier.join('/')}` +
          (stats.some((s) => s.replayed > 0) ? `; deliveries replayed ${stats.map((s) => s.replayed).join('/')})\n` : ')\n'),
      );
    },
    outputs,
    jobs,
  );
}
