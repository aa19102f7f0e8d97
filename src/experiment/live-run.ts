import { performance } from 'node:perf_hooks';
import { setImmediate as nextTurn } from 'node:timers/promises';
import type { StopReason } from '../engine/index.js';
import { workloadLabel } from './create-workload.js';
import type { FabricModel } from '../fabric/index.js';
import type { ExperimentResult, FabricResult } from './result.js';
import { buildModel, experimentResult, finishRun, planRuns, runLimits, type FabricSetup } from './runner.js';
import { flowRows } from './flow-rows.js';
import { Sampler } from './sampler.js';
import type { ExperimentSpec } from './spec.js';

/** Events per simulator call at most, so a slow stretch still returns to check the clock. */
const CHUNK_EVENTS = 50_000;
/** Wall time between turns of Node's event loop (where SIGINT and timers get their chance). */
const YIELD_EVERY_MS = 50;

/** Where a long run stands; reported about every `progressEveryMs` of wall time. */
export interface Progress {
  fabric: string;
  workload: string;
  /** This run among the spec's workload × fabric runs, from 1. */
  run: number;
  runs: number;
  simUs: number;
  /** Share of the workload's bytes that reached their receivers (duplicates counted out, at MTU size). */
  delivered: number;
  events: number;
  /** Wall time of this run so far. */
  wallMs: number;
}

export interface LiveRunOptions {
  /** Time series: 'auto' (a few hundred samples a run, the default), an interval in µs, or 'off'. */
  sampling?: 'auto' | 'off' | number;
  /** Aborting stops the simulation between slices; the result is then marked partial. */
  signal?: AbortSignal;
  onProgress?: (progress: Progress) => void;
  progressEveryMs?: number;
  onResult?: (result: FabricResult) => void;
  /** Called before the run's fabric is built (synchronous: `signal` cannot stop it) and once it is (from then on it can). */
  onBuilding?: () => void;
  onBuilt?: () => void;
  /** Add each message's FCT to the rows (`flows`) of workloads that record them. */
  flows?: boolean;
  /** Split each completion time by cause along its critical path (`attribution`; `--explain`). */
  explain?: boolean;
}

/** What a progress report says of a run now (exported for tests). */
export function progressOf(setup: FabricSetup<FabricModel>, run: number, runs: number): Progress {
  const { sim, net, workload, config } = setup;
  const m = net.metrics;
  const firstArrivals = m.dataBytesArrived - m.spuriousRetransmits * config.mtuBytes;
  // A total known up front: a collective's or a job's from its kind, ranks and size; fixed transfers' their sum.
  const planned = workload.plannedBytes;
  const delivered =
    planned !== undefined && workload.deliveredBytes !== undefined
      ? planned > 0
        ? workload.deliveredBytes / planned
        : 1
      : workload.totalBytes > 0
        ? Math.max(m.bytesDelivered, firstArrivals) / workload.totalBytes
        : 1;
  return {
    fabric: config.name,
    workload: workloadLabel(setup.workloadSpec),
    run,
    runs,
    simUs: sim.nowPs / 1e6,
    delivered: Math.min(1, Math.max(0, delivered)),
    events: sim.events,
    wallMs: performance.now() - setup.startedMs,
  };
}

/**
 * Simulates one run in slices: up to the next sample time or CHUNK_EVENTS events, whichever
 * comes first. The simulator resumes exactly where it returned, so slicing changes nothing
 * in the run; between slices it samples, reports progress and yields to the event loop.
 */
async function simulateLive(
  spec: ExperimentSpec,
  setup: FabricSetup<FabricModel>,
  sampler: Sampler | null,
  options: LiveRunOptions,
  report: () => void,
): Promise<StopReason> {
  const { sim } = setup;
  const limits = runLimits(spec);
  const maxTimePs = limits.maxTimePs ?? Infinity;
  const maxEvents = limits.maxEvents ?? Infinity;
  const progressEveryMs = options.progressEveryMs ?? 200;
  let lastYieldMs = performance.now();
  let lastProgressMs = lastYieldMs;
  for (;;) {
    const untilPs = Math.min(sampler?.nextSamplePs ?? Infinity, maxTimePs);
    const stop = sim.run({
      maxTimePs: untilPs === Infinity ? undefined : untilPs,
      maxEvents: Math.min(maxEvents, sim.events + CHUNK_EVENTS),
    });
    if (sampler !== null && !sampler.closed) {
      // A chunk that ran out of events mid-interval is no instant: close at the next one, or idle.
      if (setup.workload.finished && stop !== 'max-events') sampler.close(sim.nowPs);
      else if (stop === 'max-time' && sim.nowPs === sampler.nextSamplePs) sampler.sample(sim.nowPs);
    }
    if (stop === 'idle' || (stop === 'max-time' && sim.nowPs >= maxTimePs) || (stop === 'max-events' && sim.events >= maxEvents))
      return stop;
    const nowMs = performance.now();
    if (nowMs - lastYieldMs < YIELD_EVERY_MS) continue;
    await nextTurn();
    lastYieldMs = performance.now();
    if (options.signal?.aborted) return 'stopped';
    if (lastYieldMs - lastProgressMs >= progressEveryMs) {
      lastProgressMs = lastYieldMs;
      report();
    }
  }
}

/** One run of the spec, simulated live; `stopped` when the signal cut it short (its row is then partial). */
export interface LiveRun {
  result: FabricResult;
  stopped: boolean;
}

/**
 * Simulates run `index` (0-based, in planRuns order) of the spec live: sampled, reporting
 * progress, stoppable. The same on the main thread and in a worker of `fabsim run --jobs N`.
 */
export async function runPlannedLive(spec: ExperimentSpec, index: number, options: LiveRunOptions = {}): Promise<LiveRun> {
  const runs = planRuns(spec);
  const { workload, config } = runs[index]!;
  options.onBuilding?.();
  const setup = buildModel(spec, config, workload, undefined, { attribution: options.explain ?? false });
  options.onBuilt?.();
  const sampling = options.sampling ?? 'auto';
  const sampler = sampling === 'off' ? null : Sampler.of(setup.net, sampling === 'auto' ? undefined : sampling);
  const stop = await simulateLive(spec, setup, sampler, options, () => options.onProgress?.(progressOf(setup, index + 1, runs.length)));
  const result = finishRun(setup, stop, sampler);
  if (options.flows) result.flows = flowRows(setup.workload, setup.net);
  return { result, stopped: stop === 'stopped' };
}

/**
 * Runs every workload of the spec on every fabric like `runExperiment`, with the same
 * results, but asynchronously: it samples time series, reports progress and can be
 * interrupted, in which case it returns what it has, marked `partial`.
 */
export async function runExperimentLive(spec: ExperimentSpec, options: LiveRunOptions = {}): Promise<ExperimentResult> {
  const count = planRuns(spec).length;
  const results: FabricResult[] = [];
  let interrupted = false;
  for (let i = 0; i < count; i++) {
    if (options.signal?.aborted) {
      interrupted = true;
      break;
    }
    const { result, stopped } = await runPlannedLive(spec, i, options);
    results.push(result);
    options.onResult?.(result);
    if (stopped) {
      interrupted = true;
      break;
    }
  }
  return experimentResult(spec, results, interrupted);
}
