import { performance } from 'node:perf_hooks';
import { psFromUs, RadixEventQueue, Simulator, usFromPs, type EventQueue, type RunLimits, type StopReason } from '../engine/index.js';
import { createFabricModel, fabricSwitchPorts, FlowEventQueue, shapeOf, type FabricConfig, type FabricModel, type Network, type RunNeeds } from '../fabric/index.js';
import { attributionRows } from './attribution-rows.js';
import { createWorkload, workloadLabel } from './create-workload.js';
import { fabricDetail, linkBusy } from './fabric-detail.js';
import { modelOf, resolveFabrics, type FabricChoice } from './fabrics.js';
import { AUTO_CHOICE_MARK, effectiveBandwidth, type ExperimentResult, type FabricResult } from './result.js';
import type { Sampler } from './sampler.js';
import { echoTopology } from './topology-file.js';
import type { ExperimentSpec, WorkloadSpec } from './spec.js';
import { AutoCollective, ChakraWorkload, Jobs, type Workload } from '../workloads/index.js';

const round = (x: number, digits = 3): number => Number(x.toFixed(digits));

/** A finished (or stopped) simulation of one workload on one fabric, to summarize or inspect. */
export interface FabricRun<N extends FabricModel = Network> {
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
export type FabricSetup<N extends FabricModel = Network> = Omit<FabricRun<N>, 'stop' | 'wallMs'> & { startedMs: number };

/**
 * Builds one fabric in a fresh simulator, with the model its config names (packet unless
 * `model: flow`), and starts one workload of the spec on it.
 */
export function buildModel(
  spec: ExperimentSpec,
  config: FabricConfig,
  workloadSpec: WorkloadSpec = spec.workload[0]!,
  // The flow model's own queue (same order; it cancels superseded events) unless the caller brings one.
  queue: EventQueue = modelOf(config) === 'flow' ? new FlowEventQueue() : new RadixEventQueue(),
  run: RunNeeds = {},
): FabricSetup<FabricModel> {
  const startedMs = performance.now();
  const sim = new Simulator(queue);
  if (queue instanceof FlowEventQueue) run = { ...run, flowEvents: queue };
  const net = createFabricModel(modelOf(config), sim, spec.topology, config, spec.seed, run);
  const workload = createWorkload(workloadSpec, net.gpus, spec.seed, shapeOf(spec.topology).gpusPerNode);
  if (spec.failures.length > 0) net.scheduleFailures!(spec.failures, spec.seed);
  workload.start(net);
  return { sim, net, workload, config, workloadSpec, startedMs, buildMs: performance.now() - startedMs };
}

/** Builds one fabric with the packet model (see buildModel for either model). */
export function buildFabric(
  spec: ExperimentSpec,
  config: FabricConfig,
  workloadSpec: WorkloadSpec = spec.workload[0]!,
  queue: EventQueue = new RadixEventQueue(),
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
  queue?: EventQueue,
): FabricRun<FabricModel> {
  const { startedMs, ...setup } = buildModel(spec, config, workloadSpec, queue);
  const stop = setup.sim.run(runLimits(spec));
  return { ...setup, stop, wallMs: performance.now() - startedMs };
}

/** Simulates one workload of the spec (default its first) on one fabric with the packet model. */
export function simulateFabric(
  spec: ExperimentSpec,
  config: FabricConfig,
  workloadSpec: WorkloadSpec = spec.workload[0]!,
  queue: EventQueue = new RadixEventQueue(),
): FabricRun {
  if (modelOf(config) !== 'packet') throw new Error(`simulateFabric: ${config.name} asks for the ${modelOf(config)} model; use simulateModel`);
  return simulateModel(spec, config, workloadSpec, queue) as FabricRun;
}

/** Runs one workload of the spec (default its first) on one fabric and summarizes it. */
export function runFabric(spec: ExperimentSpec, config: FabricConfig, workloadSpec: WorkloadSpec = spec.workload[0]!): FabricResult {
  const setup = buildModel(spec, config, workloadSpec);
  return finishRun(setup, setup.sim.run(runLimits(spec)));
}

/**
 * The result row of a run: nccl-tests' bandwidths, percentiles and the fabric's counters.
 * A flow-model row says `model: "flow"`: its latency percentiles are lower bounds (path
 * propagation and serialization, one sample per message), and what it has no mechanism
 * for (drops, retransmissions, NACKs, out-of-order, PFC, ECN, CNPs, queues) is 0.
 */
export function summarize({ sim, net, workload, config, workloadSpec, wallMs }: FabricRun<FabricModel>): FabricResult {
  const flow = net.model === 'flow';
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
    workload: workloadLabel(workloadSpec) + (workload instanceof AutoCollective && workload.label ? `${AUTO_CHOICE_MARK}${workload.label}` : ''),
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
    ...(m.failuresScheduled ? { failureDrops: m.failureDrops } : {}),
    retransmits: m.retransmits,
    timeouts: m.timeouts,
    nacks: m.nacks,
    outOfOrderDiscards: m.outOfOrderDiscards,
    outOfOrderArrivals: m.outOfOrderArrivals,
    spuriousRetransmits: m.spuriousRetransmits,
    pfcPauses: m.pfcPauses,
    pfcPausedUs: round(usFromPs(net.pausedPsAt(sim.nowPs))),
    ecnMarks: m.ecnMarks,
    cnps: m.cnps,
    maxQueueBytes: net.maxQueueBytes,
    events: sim.events,
    wallMs: Math.round(wallMs),
    ...(workload instanceof Jobs || workload instanceof ChakraWorkload ? workload.reports() : {}),
    ...(net.attribution ? { attribution: attributionRows(workload, net)! } : {}),
  };
}

/** One run of an experiment: one of its workloads on one of its fabrics. */
export interface PlannedRun {
  workload: WorkloadSpec;
  config: FabricChoice;
}

/**
 * The runs of an experiment, in the order every entry point runs them: each workload on
 * every fabric. The spec was validated whole by its schema (validateSpec): nothing here
 * or later refuses it, so `run`, `sweep` and tests fail alike, before anything runs.
 */
export function planRuns(spec: ExperimentSpec): PlannedRun[] {
  const fabrics = resolveFabrics(spec.fabrics);
  return spec.workload.flatMap((workload) => fabrics.map((config) => ({ workload, config })));
}

/** The result row of a simulated run, with the report's detail when it was sampled. */
export function finishRun(setup: FabricSetup<FabricModel>, stop: StopReason, sampler: Sampler | null = null): FabricResult {
  const { startedMs, ...run } = setup;
  sampler?.close(setup.sim.nowPs);
  const result = summarize({ ...run, stop, wallMs: performance.now() - startedMs });
  const elapsedPs = setup.workload.finished ? setup.workload.finishedPs : setup.sim.nowPs;
  if (sampler !== null) result.detail = fabricDetail(setup.net.metrics, sampler.recorded(), linkBusy(setup.net.probes.linkGroups), elapsedPs);
  return result;
}

/** Runs every workload of the spec on every fabric, on the same topology, to the end (or the spec's limits). */
export function runExperiment(spec: ExperimentSpec, onResult?: (r: FabricResult) => void): ExperimentResult {
  const results = planRuns(spec).map(({ workload, config }) => {
    const result = runFabric(spec, config, workload);
    onResult?.(result);
    return result;
  });
  return experimentResult(spec, results, false);
}

/** The experiment's result document around its rows; `partial` when a run was interrupted. */
export function experimentResult(spec: ExperimentSpec, results: FabricResult[], partial: boolean): ExperimentResult {
  return {
    experiment: spec.name,
    seed: spec.seed,
    ...(partial ? { partial: true as const } : {}),
    topology: echoTopology(spec.topology),
    switchPorts: fabricSwitchPorts(shapeOf(spec.topology)),
    workload: spec.workload.length === 1 ? spec.workload[0]! : spec.workload,
    ...(spec.failures.length > 0 ? { failures: spec.failures } : {}),
    results,
  };
}
