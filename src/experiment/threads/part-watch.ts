import { performance } from 'node:perf_hooks';
import type { WindowControl, WindowObserver } from '../../engine/parallel/window-loop.js';
import { ownedProbes, type Network, type NetworkPartition } from '../../fabric/index.js';
import { networkSource, Sampler, scheduleOf, TARGET_SAMPLES, type SampleColumns, type SampleSchedule } from '../sampler.js';
import type { PartSampling, PartSetup } from './run-part.js';

/**
 * What watches one thread's part as it runs, without changing it: its samples for the
 * report, its progress for the command line, and the flag that stops it (Ctrl-C).
 */

/** How far a thread has got, reported every PROGRESS_EVERY_MS of wall time. */
export interface PartProgress {
  part: number;
  simPs: number;
  events: number;
  /** Application bytes delivered on this thread's NICs. */
  bytesDelivered: number;
}

const PROGRESS_EVERY_MS = 250;

/** A part's sampler, and the schedule a sequential run's keeps (the merge replays it). */
export interface PartSamples {
  sampler: Sampler;
  schedule: SampleSchedule;
}

/** What a part hands the merge: its samples to the run's end, and that schedule. */
export interface RecordedSamples {
  recorded: SampleColumns;
  schedule: SampleSchedule;
}

/**
 * A part samples its own nodes' ports at the instants a sequential run would, but keeps
 * PART_OVERSAMPLING× finer resolution: it runs past the workload's end until the run's end
 * is known, and the merge replays the sequential sampler over the finer samples
 * (replaySamples), so the series is the same whatever the number of threads.
 */
const PART_OVERSAMPLING = 8;

export function partSamples(net: Network, partition: NetworkPartition, sampling: PartSampling): PartSamples {
  const schedule = scheduleOf(net, sampling === 'auto' ? undefined : sampling);
  const probes = ownedProbes(net.topology, net.nvlinkPerMessage, (node) => partition.owns(node));
  return { sampler: new Sampler(networkSource(net, probes), { ...schedule, target: PART_OVERSAMPLING * TARGET_SAMPLES }, net.sim.nowPs), schedule };
}

/**
 * The sampler as the window loop sees it. An instant after which this part has no event may
 * be past the run's end (another thread's last window can reach beyond it): the samples there
 * are dropped at the end, so they must not halve the resolution first, or the samples kept
 * would depend on where the windows fall, that is on the number of threads.
 */
export function observerOf(samples: PartSamples | null): WindowObserver | undefined {
  if (samples === null) return undefined;
  const { sampler } = samples;
  return {
    get nextPs() {
      return sampler.nextSamplePs;
    },
    at: (nowPs, goesOn) => sampler.sample(nowPs, goesOn),
    windowStarts: () => sampler.coarsen(),
  };
}

/** The samples up to the run's end (`endPs`, over every part), closed there. */
export function closeSamples({ sampler, schedule }: PartSamples, endPs: number): RecordedSamples {
  sampler.forgetAfter(endPs);
  sampler.coarsen();
  sampler.close(endPs);
  return { recorded: sampler.recorded(), schedule };
}

/** Stops when the flag is set; reports progress every PROGRESS_EVERY_MS. */
export function controlOf(setup: PartSetup, stopFlag: SharedArrayBuffer | undefined, report: ((progress: PartProgress) => void) | undefined): WindowControl {
  const stop = stopFlag === undefined ? null : new Int32Array(stopFlag);
  let lastMs = performance.now();
  return {
    stopRequested: () => stop !== null && Atomics.load(stop, 0) !== 0,
    afterWindow() {
      if (report === undefined) return;
      const nowMs = performance.now();
      if (nowMs - lastMs < PROGRESS_EVERY_MS) return;
      lastMs = nowMs;
      const { sim, queue, part, net } = setup;
      report({ part, simPs: sim.nowPs, events: sim.events - (part === 0 ? 0 : queue.setupEvents), bytesDelivered: net.metrics.bytesDelivered });
    },
  };
}
