import type { AttributionRow, FabricModel, FailureEvent } from '../fabric/index.js';
import { AutoCollective, Collective, type BackgroundReport, type JobReport, type Workload } from '../workloads/index.js';

/**
 * Effective bandwidth: algbw × the bytes each NIC must move over the scale-out fabric per
 * byte of S (Collective.scaleOutFactor: all-reduce 2(M−1)/M ÷ G for M servers of G GPUs
 * with a NIC each), over the NIC line rate. It is the least time the scale-out fabric
 * needs over the time taken, so never above 1 (nor above the header goodput, 4096/4178).
 * Without an NVLink domain (G = 1) it is nccl-tests' busbw over the NIC rate; on multi-GPU
 * servers it is busbw normalized to the node's injection bandwidth (G × NIC) with the bus
 * factor of the M servers, so NVLink bytes no longer count. All ranks in one server: busbw
 * over the NVLink rate (nothing crosses the scale-out fabric). Not a collective: busbw over
 * the NIC rate.
 */
export function effectiveBandwidth(workload: Workload, net: FabricModel, algbwGBps: number, busbwGBps: number): number {
  const nvlink = net.topology.nvlink;
  const nicGBps = net.hostGbps / 8;
  if (!(workload instanceof Collective || workload instanceof AutoCollective)) return busbwGBps / nicGBps;
  const factor = workload.scaleOutFactor(nvlink?.gpusPerNode ?? 1);
  if (factor === 0) return busbwGBps / ((nvlink?.gbps ?? net.hostGbps) / 8);
  return (algbwGBps * factor) / nicGBps;
}

/** One fabric's outcome. Field names and units are a stable contract for scripts. */
/** Joins a row's workload label and what `algorithm: auto` chose ("allreduce/auto 8KiB → tree/ll x16"). */
export const AUTO_CHOICE_MARK = ' → ';

export interface FabricResult {
  fabric: string;
  /** Present on flow-model rows only: max-min fair fluid flows, no queues, PFC or congestion control; latency is a lower bound. */
  model?: 'flow';
  /** Which workload of the spec this row measured, e.g. "allreduce/ring 64MiB x4". */
  workload: string;
  /** False when a limit stopped the run (or it stalled) before the workload finished. */
  completed: boolean;
  /** When the last message of the workload was delivered. */
  completionUs: number;
  /** nccl-tests: algbw = S / t (GB = 1e9 B), busbw = algbw × the collective's factor. */
  algbwGBps: number;
  busbwGBps: number;
  /** Scale-out utilization: the least time the scale-out fabric needs for the collective over its time (see effectiveBandwidth). */
  effectiveBandwidth: number;
  /** One-way NIC-to-NIC latency of data packets. */
  latencyUs: { p50: number; p99: number; p999: number; max: number };
  /** Message completion time: posted to last byte delivered. */
  fctUs: { p50: number; p99: number; max: number };
  bytesDelivered: number;
  /** Data packets NICs put on the wire, retransmissions included. */
  dataPackets: number;
  /** Payload bytes NICs put on the wire, retransmissions included. */
  bytesSent: number;
  bytesDropped: number;
  drops: number;
  /** Data packets lost on failed links (within bytesDropped; not in drops); present when the spec has failures. */
  failureDrops?: number;
  retransmits: number;
  timeouts: number;
  nacks: number;
  outOfOrderDiscards: number;
  outOfOrderArrivals: number;
  /** Arrivals of data the receiver already had (or had discarded): transmissions not needed. */
  spuriousRetransmits: number;
  /** PAUSE frames switches sent, and the time ports spent paused, summed over ports. */
  pfcPauses: number;
  pfcPausedUs: number;
  ecnMarks: number;
  cnps: number;
  /** Deepest egress queue seen on any switch port. */
  maxQueueBytes: number;
  events: number;
  wallMs: number;
  /** Workload `jobs`: each job's completion time and iteration times, and the background's FCT slowdown. */
  jobs?: JobReport[];
  background?: BackgroundReport;
  /** Per message of permutation, incast and matrix workloads, when asked for (`--flows`): FCT = posted to last byte delivered; null if not delivered. */
  flows?: FlowRow[];
  /** Where the completion time went along the critical path (`--explain`): the workload's, or each job's; parts in ps add up to completionPs. */
  attribution?: AttributionRow[];
  /** What the HTML report draws; present when the run was sampled (the CLI always samples). */
  detail?: FabricDetail;
}

export interface FlowRow {
  src: number;
  dst: number;
  sizeBytes: number;
  startUs: number;
  fctUs: number | null;
  /** The same message alone on the idle fabric (serialization plus path latency): FCT / this is its slowdown. */
  idealFctUs: number;
}

/**
 * Sampled while simulating. Sample i closes the interval (tUs[i-1], tUs[i]] (the first one
 * starts at 0): rates and counts are over that interval, depths are at the instant tUs[i].
 */
export interface TimeSeries {
  /** Sampling interval; the last sample, at the end of the run, may close a shorter one. */
  intervalUs: number;
  tUs: number[];
  /** Application bytes of messages completed in the interval (as bytesDelivered), as a rate. */
  goodputGbps: number[];
  /** Payload arriving at receiving NICs, retransmissions and discarded packets included. */
  rxGbps: number[];
  /** Payload NICs sent that has neither arrived nor been dropped: in queues or on wires. */
  inFlightBytes: number[];
  /** Packets dropped by switches in the interval. */
  drops: number[];
  /** Paused time over port time in the interval, every port (NICs included). */
  pfcPausedFraction: number[];
  /** Per switch tier, the deepest and the mean egress data queue over its ports. */
  queueBytes: { tier: string; max: number[]; mean: number[] }[];
}

/** Busy time over run time of each switch egress port of one tier and direction. */
export interface LinkUtilization {
  tier: string;
  /** up: towards the next tier (leaf uplinks); down: towards the hosts or the tier below. */
  direction: 'up' | 'down';
  /** Row names: the switches of the tier. */
  switches: string[];
  /** utilization[row][column]: a switch's up ports, or its down ports child by child. */
  utilization: number[][];
}

/** A distribution: `fraction[i]` of the values are ≤ `us[i]`. */
export interface CdfUs {
  fraction: number[];
  us: number[];
}

export interface FabricDetail {
  timeSeries: TimeSeries;
  links: LinkUtilization[];
  /** Data packet latency and message completion time, from the same histograms as the percentiles. */
  latencyCdf: CdfUs;
  fctCdf: CdfUs;
}

export interface ExperimentResult {
  experiment: string;
  seed: number;
  /** Set when the run was interrupted: rows are missing or stopped early (completed: false). */
  partial?: true;
  topology: Record<string, unknown>;
  /** Cabled ports of the scale-out fabric's switches (the topology's cost, to compare topologies). */
  switchPorts?: number;
  /** The workload as specified, or the list of them. */
  workload: Record<string, unknown> | Record<string, unknown>[];
  /** The spec's failures, when it has any (the report marks them on every time series). */
  failures?: FailureEvent[];
  results: FabricResult[];
}
