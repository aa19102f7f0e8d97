import { performance } from 'node:perf_hooks';
import type { MessagePort } from 'node:worker_threads';
import { psFromUs, Simulator } from '../../engine/index.js';
import { KeyedEventQueue } from '../../engine/parallel/keyed-event-queue.js';
import { PortExchange } from '../../engine/parallel/port-exchange.js';
import { WindowBarrier } from '../../engine/parallel/window-barrier.js';
import { runLockstep, runWindows, type WindowBounds, type WindowStats } from '../../engine/parallel/window-loop.js';
import { MemoryExchange, type PeerExchange } from '../../engine/parallel/peer-exchange.js';
import { threadCpuMs } from '../../engine/parallel/thread-cpu.js';
import { createFabricModel, FabricMetrics, NetworkPartition, Ownership, shapeOf, type Network } from '../../fabric/index.js';
import { createWorkload } from '../create-workload.js';
import { linkBusy, type LinkBusy } from '../fabric-detail.js';
import { flowRows } from '../flow-rows.js';
import { closeSamples, controlOf, observerOf, partSamples, type PartProgress, type PartSamples, type RecordedSamples } from './part-watch.js';
import type { FlowRow } from '../result.js';
import { Jobs, type Workload } from '../../workloads/index.js';
import { planRuns } from '../runner.js';
import type { ExperimentSpec } from '../spec.js';

/** One thread's share of one run of `fabsim run --threads N`. */
export interface PartTask extends PartOutputs {
  spec: ExperimentSpec;
  /** The run, in planRuns order. */
  runIndex: number;
  part: number;
  parts: number;
  /** WindowBarrier.sharedBytes(parts), one for the run's threads. */
  shared: SharedArrayBuffer;
  /** ports[peer]: a channel to each other thread (null at this thread's index). */
  ports: (MessagePort | null)[];
  /** One Int32: set (Ctrl-C) to stop every thread of the run after the same window. */
  stopFlag?: SharedArrayBuffer;
}

/** What a worker of `--threads` posts: its progress now and then, its result once. */
export type ThreadsWorkerMessage = { progress: PartProgress } | { result: PartResult };

/** What a threaded run reports besides its row. */
export interface PartOutputs {
  /** Each message's FCT (`--flows`). */
  flows?: boolean;
  /** The report's samples (`--out`): 'auto', or a fixed interval in µs (`--sample-us`). */
  sampling?: PartSampling;
}

export type PartSampling = 'auto' | number;

/** What the fabric's counters were on this thread's nodes: numbers summed over threads, flags or-ed, histograms encoded. */
export type PartMetrics = Record<string, number | boolean | string>;

export interface PartStats {
  part: number;
  /** NICs and switches this thread simulates. */
  nodes: number;
  events: number;
  windows: number;
  cutLinks: number;
  lookaheadPs: number;
  packetsIn: number;
  /** Other threads' deliveries this thread replayed (collectives: network-partition.ts). */
  replayed: number;
  buildMs: number;
  runMs: number;
  barrierMs: number;
  /** CPU time of this thread, build and run, ms (thread-cpu.ts; in one thread for every part, their sum). */
  cpuMs: number;
}

export interface PartResult {
  metrics: PartMetrics;
  messages: number;
  delivered: number;
  lastDeliveredPs: number;
  /** Whether this replica's workload holds its result (every replica keeps the whole workload's state: replays). */
  workloadFinished: boolean;
  /** Stopped before its end (Ctrl-C): the same on every thread. */
  stopped: boolean;
  /** Time of the last event run on any thread, or the time limit the run stopped at (the run's end, as the sequential simulator's clock). */
  endPs: number;
  events: number;
  pausedPs: number;
  maxQueueBytes: number;
  hostGbps: number;
  /** Jobs: their reports (every replica keeps every job's state alike: deliveries are replayed). */
  reports?: ReturnType<Jobs['reports']>;
  /** Asked for: every message's row, its FCT null unless it was delivered on this thread's nodes. */
  flows?: FlowRow[];
  /** Asked for: this part's samples (its own ports and events) and busy time of every port it ran. */
  samples?: RecordedSamples;
  links?: LinkBusy[];
  stats: PartStats;
}

/** A part built, its workload started, nothing simulated yet. */
export interface PartSetup {
  part: number;
  sim: Simulator;
  queue: KeyedEventQueue;
  net: Network;
  ownership: Ownership;
  partition: NetworkPartition;
  workload: Workload;
  /** Its samples when asked for: its own nodes' ports and counters. */
  samples: PartSamples | null;
  startedMs: number;
  builtMs: number;
  cpuStartedMs: number;
}

/**
 * Builds the whole network and workload (a replica: the build is deterministic) and keeps
 * the events of the nodes part `part` of `parts` owns; `exchange` reaches the other parts.
 */
export function buildPart(
  spec: ExperimentSpec,
  runIndex: number,
  part: number,
  parts: number,
  exchange: PeerExchange | null,
  sampling?: PartSampling,
): PartSetup {
  const startedMs = performance.now();
  const cpuStartedMs = threadCpuMs().ms;
  const { workload: workloadSpec, config } = planRuns(spec)[runIndex]!;
  const queue = new KeyedEventQueue();
  const sim = new Simulator(queue);
  const net = createFabricModel('packet', sim, spec.topology, config, spec.seed, { perNodeStreams: true }) as Network;
  // Built before it starts (it touches no fabric until then): the threads are balanced by the GPUs it uses.
  const workload = createWorkload(workloadSpec, net.gpus, spec.seed, shapeOf(spec.topology).gpusPerNode);
  const ownership = new Ownership(net.topology, parts, gpusInUseOf(workload, net.gpus));
  queue.configure(ownership.nodes, ownership.setupNode);
  const partition = new NetworkPartition(net, queue, ownership, part, exchange);
  // After the partition: every replica marks failed links, only a port's own thread wakes it.
  if (spec.failures.length > 0) net.scheduleFailures(spec.failures, spec.seed);
  workload.start(net);
  const samples = sampling === undefined ? null : partSamples(net, partition, sampling);
  return { part, sim, queue, net, ownership, partition, workload, samples, startedMs, builtMs: performance.now(), cpuStartedMs };
}

/** The GPUs `workload` uses when it knows them and they are not all `gpus` (null: split the fabric evenly). */
function gpusInUseOf(workload: Workload, gpus: number): readonly number[] | null {
  const inUse = workload.gpusInUse;
  return inUse === undefined || new Set(inUse).size === gpus ? null : inUse;
}

/** Time of this part's last event (0: none ran); the run's end is the latest over parts. */
export const lastEventPs = (setup: PartSetup): number => (setup.sim.events > 0 ? setup.queue.poppedTimePs : 0);

/** One thread's part of a run: build, windows with the other threads, its share of the result; `report` hears how far it has got. */
export function runPart(task: PartTask, report?: (progress: PartProgress) => void): PartResult {
  const { spec, runIndex, part, parts } = task;
  const setup = buildPart(spec, runIndex, part, parts, parts > 1 ? new PortExchange(task.ports) : null, task.sampling);
  const barrier = new WindowBarrier(task.shared, parts, part);
  const bounds = windowBounds(spec);
  const control = controlOf(setup, task.stopFlag, report);
  const windows = runWindows(setup.sim, setup.queue, barrier, setup.partition, setup.ownership.lookaheadPs, bounds, observerOf(setup.samples), control);
  // Every thread takes part in the barrier's round (capped is the same on all).
  const lastPs = barrier.max(lastEventPs(setup));
  return finishPart(setup, windows.capped ? bounds.limitPs : lastPs, windows, task.flows);
}

/**
 * limits.maxTimeUs in ps (Infinity: none): as the sequential run, every event up to it, the
 * clock then at it; and the failures' times, which windows do not straddle (window-loop.ts).
 */
const windowBounds = (spec: ExperimentSpec): Required<WindowBounds> => ({
  limitPs: spec.limits.maxTimeUs === undefined ? Infinity : psFromUs(spec.limits.maxTimeUs),
  breaksPs: spec.failures.filter((f) => f.atUs > 0).map((f) => psFromUs(f.atUs)),
});

/** Every part of a run in this one thread, in lockstep windows (same windows, same result as threads). */
export function runPartsInOneThread(spec: ExperimentSpec, runIndex: number, parts: number, { flows = false, sampling }: PartOutputs = {}): PartResult[] {
  const boxes = MemoryExchange.boxes(parts);
  const setups = Array.from({ length: parts }, (_, p) => buildPart(spec, runIndex, p, parts, new MemoryExchange(boxes, p), sampling));
  const started = performance.now();
  const bounds = windowBounds(spec);
  const { windows, capped } = runLockstep(
    setups.map((s) => ({ sim: s.sim, queue: s.queue, exchange: s.partition, observer: observerOf(s.samples) })),
    setups[0]!.ownership.lookaheadPs,
    bounds,
  );
  const endPs = capped ? bounds.limitPs : Math.max(...setups.map(lastEventPs));
  const wallMs = performance.now() - started;
  return setups.map((s) => finishPart(s, endPs, { windows, capped, stopped: false, barrierMs: 0, wallMs }, flows));
}

/** This part's counters and state at the end of the run (`endPs`: the run's last event, over every part). */
export function finishPart(setup: PartSetup, endPs: number, windows: WindowStats, flows = false): PartResult {
  const { net, partition, ownership, queue, sim, part } = setup;
  const { nics, switches, fabricTiers } = net.topology;
  let pausedPs = 0;
  let maxQueueBytes = 0;
  nics.forEach((nic, h) => partition.owns(h) && nic.ports.forEach((port) => (pausedPs += port.pausedPsAt(endPs))));
  switches.forEach((sw, i) => {
    if (!partition.owns(nics.length + i)) return;
    for (const port of sw.ports) {
      pausedPs += port.pausedPsAt(endPs);
      if (sw.tier < fabricTiers) maxQueueBytes = Math.max(maxQueueBytes, port.maxQueuedBytes);
    }
  });
  const events = sim.events - (part === 0 ? 0 : queue.setupEvents);
  const samples = setup.samples === null ? undefined : closeSamples(setup.samples, endPs);
  return {
    metrics: encodeMetrics(net.metrics),
    messages: partition.messages,
    delivered: partition.delivered,
    lastDeliveredPs: partition.lastDeliveredPs,
    workloadFinished: setup.workload.finished,
    stopped: windows.stopped,
    endPs,
    events,
    pausedPs,
    maxQueueBytes,
    hostGbps: net.hostGbps,
    ...(setup.workload instanceof Jobs ? { reports: setup.workload.reports() } : {}),
    ...(flows ? { flows: flowRows(setup.workload, net) } : {}),
    ...(samples !== undefined ? { samples, links: linkBusy(net.probes.linkGroups) } : {}),
    stats: {
      part,
      nodes: ownership.nodesPerPart()[part]!,
      events,
      windows: windows.windows,
      cutLinks: ownership.cutLinks,
      lookaheadPs: ownership.lookaheadPs,
      packetsIn: partition.packetsIn,
      replayed: partition.replayed,
      buildMs: setup.builtMs - setup.startedMs,
      runMs: windows.wallMs,
      barrierMs: windows.barrierMs,
      cpuMs: threadCpuMs().ms - setup.cpuStartedMs,
    },
  };
}

function encodeMetrics(metrics: FabricMetrics): PartMetrics {
  const out: PartMetrics = {};
  for (const [key, value] of Object.entries(metrics)) {
    if (typeof value === 'number' || typeof value === 'boolean') out[key] = value;
    else if (typeof (value as { encode?: unknown }).encode === 'function') out[key] = (value as { encode(): string }).encode();
  }
  return out;
}
