import { BASE_LATENCY_US, HW_LATENCY_US, PROTOCOLS, type Protocol } from './protocol.js';

/** The algorithms NCCL's model picks among here (fabsim's NCCL-laid ring and tree). */
export type TunedAlgorithm = 'ring' | 'tree';
export type TunedCollective = 'allreduce' | 'allgather' | 'reducescatter';

/** What NCCL's model needs to know of the communicator and its topology. */
export interface TuningShape {
  ranks: number;
  nodes: number;
  /** Channels the collective runs (NCCL's nChannels). */
  channels: number;
  /** Bandwidth a node's channels share (GB/s): min(G × NIC, NVLink) across servers, NVLink inside one, the NIC without NVLink. */
  nodeGBps: number;
}

export interface TunedChoice {
  algorithm: TunedAlgorithm;
  protocol: Protocol;
  /** NCCL's predicted time (µs): latency + bytes / algorithm bandwidth. */
  timeUs: number;
}

// Hopper constants of tuning.cc's default tuner (index by min(nodes, 3) − 1), Intel host CPU.
const LL_MAX_BW_MULTI_NODE = [39.0, 39.0, 20.4];
const LL_MAX_BW_ONE_NODE_HOPPER = 141.0;
const PER_CH_MAX_RING_LL128_BW = 36.7;
const PER_CH_MAX_TREE_LL128_BW = [36.7, 36.7, 29.0];
const PER_CH_MAX_TREE_BW = [38.7, 41.4, 36.0];
/** tuning.cc's getNetOverhead for an Intel x86 host (µs). */
const NET_OVERHEAD_US = 1.0;
/** tuning.cc treeCorrectionFactor[protocol][log2(bytes / 64)], protocols LL, LL128, Simple. */
const TREE_CORRECTION: Record<Protocol, number[]> = {
  ll: [1.0, 1.0, 1.0, 1.0, 0.9, 0.8, 0.7, 0.7, 0.7, 0.7, 0.6, 0.5, 0.4, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1.0, 1.0, 1.0, 1.0, 1.0],
  ll128: [1.0, 1.0, 1.0, 1.0, 1.0, 0.9, 0.8, 0.8, 0.8, 0.7, 0.6, 0.6, 0.6, 0.6, 0.6, 0.6, 0.8, 0.9, 0.9, 0.9, 0.9, 1.0, 1.0, 1.0],
  simple: [0.9, 0.9, 0.9, 0.9, 0.9, 0.9, 0.9, 0.8, 0.7, 0.6, 0.6, 0.5, 0.5, 0.5, 0.5, 0.6, 0.7, 0.8, 0.7, 0.7, 0.8, 0.9, 0.9, 0.9],
};

/** Algorithm bandwidth (GB/s) NCCL's model gives (ncclTopoTuneModel), 0 when not available. */
export function tunedAlgBwGBps(coll: TunedCollective, a: TunedAlgorithm, p: Protocol, s: TuningShape): number {
  if (a === 'tree' && coll !== 'allreduce') return 0;
  const i2 = Math.min(s.nodes, 3) - 1;
  const llMaxBw = s.nodes === 1 ? LL_MAX_BW_ONE_NODE_HOPPER : LL_MAX_BW_MULTI_NODE[i2]!;
  let busBw = s.nodeGBps; // nChannels × per-channel graph bandwidth
  if (a === 'ring' && p === 'll') busBw = Math.min(llMaxBw, busBw * 0.5);
  if (a === 'ring' && p === 'll128') busBw = Math.min(busBw * 0.92, s.channels * PER_CH_MAX_RING_LL128_BW);
  if (a === 'tree') busBw = Math.min(busBw * 0.92, s.channels * PER_CH_MAX_TREE_BW[i2]!);
  if (a === 'tree' && p === 'll') busBw = Math.min(busBw / 3.8, llMaxBw);
  if (a === 'tree' && p === 'll128') busBw = Math.min(busBw * (s.nodes === 1 ? 7 / 9 : 120 / 128), s.channels * PER_CH_MAX_TREE_LL128_BW[i2]!);
  const steps = coll === 'allreduce' ? 2 * (s.ranks - 1) : s.ranks - 1;
  return busBw * (a === 'ring' ? s.ranks / steps : 0.5);
}

/** Latency (µs) NCCL's model gives: base + per-step hardware latencies (ring) or 2·((ppn−1)·intra + log2(nodes)·inter) (tree). */
export function tunedLatencyUs(coll: TunedCollective, a: TunedAlgorithm, p: Protocol, s: TuningShape): number {
  // NCCL's intra-node rows: NVLink (its PCI row is not modelled; with one GPU per node it is unused).
  const intraHw = HW_LATENCY_US.nvlink;
  let intraLat = intraHw[a][p];
  const ppn = s.ranks / s.nodes;
  const interLat = ppn === 1 ? HW_LATENCY_US.net.tree[p] : HW_LATENCY_US.net[a][p];
  let lat = BASE_LATENCY_US[a][p];
  if (a === 'ring') {
    const steps = coll === 'allreduce' ? 2 * (s.ranks - 1) : s.ranks - 1;
    if (s.nodes > 1) intraLat = Math.max(intraLat, NET_OVERHEAD_US * (p === 'simple' ? 3 : 1));
    const interSteps = s.nodes === 1 ? 0 : coll === 'allreduce' ? 2 * (s.nodes - 1) : s.nodes - 1;
    // With one GPU per node every step is a network step.
    const hwLat = s.nodes === 1 ? intraHw[a][p] : intraLat;
    lat += (steps - interSteps) * hwLat + interSteps * interLat;
  } else {
    lat += 2 * ((ppn - 1) * intraLat + Math.floor(Math.log2(s.nodes)) * interLat);
  }
  return lat;
}

/** NCCL's predicted time (ncclTopoGetAlgoTime, one operation): latency + bytes / bandwidth, with its tree and ring corrections. */
export function tunedTimeUs(coll: TunedCollective, a: TunedAlgorithm, p: Protocol, bytes: number, s: TuningShape): number {
  let bw = tunedAlgBwGBps(coll, a, p, s);
  if (bw === 0) return Infinity;
  let lat = tunedLatencyUs(coll, a, p, s);
  const logSize = Math.floor(Math.log2(Math.max(1, Math.floor(bytes / 64))));
  if (a === 'tree' && coll === 'allreduce' && bytes >= 64 && logSize < 23) bw *= TREE_CORRECTION[p][logSize]!;
  // "Plateau effect of ring" (sm80 and later).
  if (a === 'ring' && p === 'simple' && s.nodes > 1 && coll === 'allreduce' && bytes / (s.channels * s.ranks) >= 64) lat *= 1.4;
  return lat + bytes / (1000 * bw);
}

/** The (algorithm, protocol) NCCL's model would pick for `bytes`, among those allowed. */
export function tunedChoice(
  coll: TunedCollective,
  bytes: number,
  s: TuningShape,
  algorithms: readonly TunedAlgorithm[] = ['ring', 'tree'],
  protocols: readonly Protocol[] = PROTOCOLS,
): TunedChoice {
  let best: TunedChoice = { algorithm: algorithms[0]!, protocol: protocols[0]!, timeUs: Infinity };
  for (const algorithm of algorithms)
    for (const protocol of protocols) {
      const timeUs = tunedTimeUs(coll, algorithm, protocol, bytes, s);
      if (timeUs < best.timeUs) best = { algorithm, protocol, timeUs };
    }
  return best;
}
