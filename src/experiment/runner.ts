import { performance } from 'node:perf_hooks';
import { psFromUs, Simulator, TypedEventQueue, usFromPs, type EventQueue, type RunLimits, type StopReason } from '../engine/index.js';
import { FlowNetwork, Network, type FabricConfig } from '../fabric/index.js';
import { createWorkload, workloadLabel } from './create-workload.js';
import { checkFabrics, modelOf, resolveFabrics } from './fabrics.js';
import { effectiveBandwidth, type ExperimentResult, type FabricResult } from './result.js';
import type { ExperimentSpec, WorkloadSpec } from './spec.js';
import { AutoCollective, Jobs, type Workload } from '../workloads/index.js';

const round = (x: number, digits = 3): number => Number(x.toFixed(digits));

/** Time ports spent paused by PFC, summed over every port (NICs included). */
function pausedPs(net: Network, nowPs: number): number {
  let total = 0;
  for (const nic of net.topology.nics) for (const port of nic.ports) total += port.pausedPsAt(nowPs);
  for (const sw of net.topology.switches) for (const port of sw.ports) total += port.pausedPsAt(nowPs);
  return total;
}

/** Deepest egress queue of the scale-out fabric (NVSwitch ports inside servers are not the fabric). */
function maxQueueBytes(net: Network): number {
  let max = 0;
  const { switches, fabricTiers } = net.topology;
  for (const sw of switches) if (sw.tier < fabricTiers) for (const port of sw.ports) max = Math.max(max, port.maxQueuedBytes);
  return max;
}

/** A fabric simulated by either model. */
export type AnyNetwork = Network | FlowNetwork;

/** A finished (or stopped) simulation of one workload on one fabric, to summarize or inspect. */
export interface FabricRun<N extends AnyNetwork = Network> {
  sim: Simulator;
  net: N;
  workload: Workload;
  config: FabricConfig;
  workloadSpec: WorkloadSpec;
  /** Why the simulator returned: 'idle' when everything ran to the end. */
  stop: StopReason;
  /** Wall time to build the fabric and workload, and in all. */
  buildMs: number;
  wallMs: number;
}

/** A fabric built and its workload started, nothing simulated yet (`startedMs`: performance.now()). */
export type FabricSetup<N extends AnyNetwork = Network> = Omit<FabricRun<N>, 'stop' | 'wallMs'> & { startedMs: number };

/**
 * Builds one fabric in a fresh simulator, with the model its config names (packet unless
 * `model: flow`), and starts one workload of the spec on it.
 */
export function buildModel(
  spec: ExperimentSpec,
  config: FabricConfig,
  workloadSpec: WorkloadSpec = spec.workload[0]!,
  queue: EventQueue = new TypedEventQueue(),
): FabricSetup<AnyNetwork> {
  const startedMs = performance.now();
  const sim = new Simulator(queue);
  const net = modelOf(config) === 'flow' ? new FlowNetwork(sim, spec.topology, config, spec.seed) : new Network(sim, spec.topology, config, spec.seed);
  const workload = createWorkload(workloadSpec, net.gpus, spec.seed, net.topology.nvlink?.gpusPerNode);
  workload.start(net);
  return { sim, net, workload, config, workloadSpec, startedMs, buildMs: performance.now() - startedMs };
}

/** Builds one fabric with the packet model (see buildModel for either model). */
export function buildFabric(
  spec: ExperimentSpec,
  config: FabricConfig,
  workloadSpec: WorkloadSpec = spec.workload[0]!,
  queue: EventQueue = new TypedEventQueue(),
): FabricSetup {
  if (modelOf(config) !== 'packet') throw new Error(`buildFabric: ${config.name} asks for the ${modelOf(config)} model; use buildModel`);
  return buildModel(spec, config, workloadSpec, queue) as FabricSetup;
}

/** The spec's limits as the simulator takes them. */
export function runLimits(spec: ExperimentSpec): RunLimits {
  return {
    maxTimePs: spec.limits.maxTimeUs === undefined ? undefined : psFromUs(spec.limits.maxTimeUs),
    maxEvents: spec.limits.maxEvents,
  };
}

/** Simulates one workload of the spec (default its first) on one fabric, with either model, in a fresh simulator. */
export function simulateModel(
  spec: ExperimentSpec,
  config: FabricConfig,
  workloadSpec: WorkloadSpec = spec.workload[0]!,
  queue: EventQueue = new TypedEventQueue(),
): FabricRun<AnyNetwork> {
  const { startedMs, ...setup } = buildModel(spec, config, workloadSpec, queue);
  const stop = setup.sim.run(runLimits(spec));
  return { ...setup, stop, wallMs: performance.now() - startedMs };
}

/** Simulates one workload of the spec (default its first) on one fabric with the packet model. */
export function simulateFabric(
  spec: ExperimentSpec,
  config: FabricConfig,
  workloadSpec: WorkloadSpec = spec.workload[0]!,
  queue: EventQueue = new TypedEventQueue(),
): FabricRun {
  if (modelOf(config) !== 'packet') throw new Error(`simulateFabric: ${config.name} asks for the ${modelOf(config)} model; use simulateModel`);
  return simulateModel(spec, config, workloadSpec, queue) as FabricRun;
}

/** Runs one workload of the spec (default its first) on one fabric and summarizes it. */
export function runFabric(spec: ExperimentSpec, config: FabricConfig, workloadSpec: WorkloadSpec = spec.workload[0]!): FabricResult {
  return summarize(simulateModel(spec, config, workloadSpec));
}

/**
 * The result row of a run: nccl-tests' bandwidths, percentiles and the fabric's counters.
 * A flow-model row says `model: "flow"`: its latency percentiles are lower bounds (path
 * propagation and serialization, one sample per message), and what it has no mechanism
 * for (drops, retransmissions, NACKs, out-of-order, PFC, ECN, CNPs, queues) is 0.
 */
export function summarize({ sim, net, workload, config, workloadSpec, wallMs }: FabricRun<AnyNetwork>): FabricResult {
  const flow = net instanceof FlowNetwork;
  const m = net.metrics;
  const completed = workload.finished;
  const timeUs = usFromPs(completed ? workload.finishedPs : sim.nowPs);
  const algbwGBps = completed && timeUs > 0 ? workload.algBytes / (timeUs * 1e3) : 0;
  const busbwGBps = algbwGBps * workload.busFactor;
  const lat = m.packetLatencyNs.percentiles();
  const fct = m.messageFctNs.percentiles();
  const us = (ns: number) => round(ns / 1e3);
  return {
    fabric: config.name,
    ...(flow ? { model: 'flow' as const } : {}),
    // algorithm/protocol auto: what NCCL's tuning model picked.
    workload: workloadLabel(workloadSpec) + (workload instanceof AutoCollective && workload.label ? ` → ${workload.label}` : ''),
    completed,
    completionUs: round(timeUs),
    algbwGBps: round(algbwGBps),
    busbwGBps: round(busbwGBps),
    effectiveBandwidth: round(effectiveBandwidth(workload, net, algbwGBps, busbwGBps), 4),
    latencyUs: { p50: us(lat.p50), p99: us(lat.p99), p999: us(lat.p999), max: us(lat.max) },
    fctUs: { p50: us(fct.p50), p99: us(fct.p99), max: us(fct.max) },
    bytesDelivered: m.bytesDelivered,
    dataPackets: m.dataPacketsSent,
    bytesSent: m.dataBytesSent,
    bytesDropped: m.dataBytesDropped,
    drops: m.drops,
    retransmits: m.retransmits,
    timeouts: m.timeouts,
    nacks: m.nacks,
    outOfOrderDiscards: m.outOfOrderDiscards,
    outOfOrderArrivals: m.outOfOrderArrivals,
    spuriousRetransmits: m.spuriousRetransmits,
    pfcPauses: m.pfcPauses,
    pfcPausedUs: flow ? 0 : round(usFromPs(pausedPs(net, sim.nowPs))),
    ecnMarks: m.ecnMarks,
    cnps: m.cnps,
    maxQueueBytes: flow ? 0 : maxQueueBytes(net),
    events: sim.events,
    wallMs: Math.round(wallMs),
    ...(workload instanceof Jobs ? workload.reports() : {}),
  };
}

/** Runs every workload of the spec on every fabric, on the same topology. */
export function runExperiment(spec: ExperimentSpec, onResult?: (r: FabricResult) => void): ExperimentResult {
  checkFabrics(spec);
  const fabrics = resolveFabrics(spec.fabrics);
  const results = spec.workload.flatMap((workload) =>
    fabrics.map((config) => {
      const result = runFabric(spec, config, workload);
      onResult?.(result);
      return result;
    }),
  );
  return experimentResult(spec, results, false);
}

/** The experiment's result document around its rows; `partial` when a run was interrupted. */
export function experimentResult(spec: ExperimentSpec, results: FabricResult[], partial: boolean): ExperimentResult {
  return {
    experiment: spec.name,
    seed: spec.seed,
    ...(partial ? { partial: true as const } : {}),
    topology: spec.topology,
    workload: spec.workload.length === 1 ? spec.workload[0]! : spec.workload,
    results,
  };
}
