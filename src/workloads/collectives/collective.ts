import { psFromUs, type EventTarget } from '../../engine/index.js';
import type { DeliveryTarget, FabricFlow, FabricModel, PathNode } from '../../fabric/index.js';
import { postAfterOf } from '../../fabric/partition/replay.js';
import { BASE_LATENCY_US, stepLatencyUs, WIRE_FACTOR, type Protocol } from './protocol.js';
import type { Workload } from '../workload.js';
import { scaleOutFactor, type ScaleOutBound } from './scale-out.js';
import { FlowTable } from './flow-table.js';

/** The knobs NCCL users know, shared by every collective. */
export interface CollectiveParams {
  /** GPU of each rank (placement). */
  gpus: number[];
  /** nccl-tests' S: the per-rank buffer (all-reduce, broadcast) or the full gathered size (all-gather, reduce-scatter, all-to-all). */
  bytes: number;
  /** Parallel rings/trees, each on its own queue pairs. Undefined: the collective's default (ring: NCCL's, see `defaultRingChannels`; others 1). */
  channels?: number;
  /** NCCL_MIN_NCHANNELS / NCCL_MAX_NCHANNELS: bounds on the default count (not on `channels`), see `resolveChannels`. */
  minChannels?: number;
  maxChannels?: number;
  /** Pipelining slice: the most one step moves per message; undefined = no slicing. */
  chunkBytes?: number;
  /** Trees: slices a connection holds sent but not yet consumed (NCCL_STEPS, see TreeRun). Undefined: NCCL's 8; Infinity: no limit. */
  slots?: number;
  /** Trees with a slot limit: a consumed slot is free at its sender at once ('instant', the default) or when the receiver's clear-to-send arrives over the fabric ('cts', NCCL's net transport). */
  slotCredits?: 'instant' | 'cts';
  /** Queue pairs per connection (NCCL_IB_QPS_PER_CONNECTION): messages rotate over them, each its own ECMP hash. */
  qpsPerConnection: number;
  /** NCCL protocol: its wire bytes per data byte and per-step latency (protocol.ts). Undefined: neither (ideal transfers). */
  protocol?: Protocol;
}

/**
 * The channel count: `channels` if set, else the collective's default bounded as NCCL's
 * ncclTopoPostset honours NCCL_MAX_NCHANNELS, then NCCL_MIN_NCHANNELS: max(min, min(max, default)).
 */
export function resolveChannels(params: Pick<CollectiveParams, 'channels' | 'minChannels' | 'maxChannels'>, defaultCount: number): number {
  if (params.channels !== undefined) return params.channels;
  return Math.max(params.minChannels ?? 1, Math.min(params.maxChannels ?? Infinity, defaultCount));
}

/** How a sub-algorithm (a ring, a tree) posts a message: rank `from` to rank `to` on `channel`; `onArrive` when all of it is there. */
export type PostMessage = (from: number, to: number, bytes: number, channel: number, onArrive: (atPs: number) => void) => void;
/**
 * How a sub-algorithm posts a message whose arrival it hears as `target.delivered(tag, atPs)`
 * (at the moment PostMessage's `onArrive` would run): one target for all its messages, no
 * closure per message for the collector (~10% of a 100,000-GPU flow run).
 */
export type PostTagged = (from: number, to: number, bytes: number, channel: number, target: DeliveryTarget, tag: number) => void;
/**
 * Posting on a connection a sub-algorithm resolves once per edge (a tree's): `pinnedFlow` is the
 * queue pair every message of rank `from` → `to` on `channel` takes (opened on first use, as a
 * post would), null where that changes per message (several queue pairs rotate, a protocol's
 * delayed post) or on the packet model; `postPinned` posts on it as PostTagged would. It
 * skips the two connection maps per message (cold at 100,000 GPUs).
 */
export interface PinnedPost {
  pinnedFlow(from: number, to: number, channel: number): FabricFlow | null;
  postPinned(flow: FabricFlow, from: number, to: number, bytes: number, channel: number, target: DeliveryTarget, tag: number): void;
}
/**
 * How a sub-algorithm sends a clear-to-send: rank `from` tells rank `to` that a buffer slot of
 * their connection on `channel` is free (see Collective.postCredit).
 */
export interface CreditPost {
  postCredit(from: number, to: number, channel: number, target: DeliveryTarget, tag: number): void;
}

/** NCCL's clear-to-send: one ncclIbSendFifo entry (alignas(64), net_ib) RDMA-written into the sender's FIFO. */
export const CTS_BYTES = 64;

/** How a sub-algorithm reports that one of its members holds its result. */
export type MemberDone = (member: number, atPs: number) => void;

const GPU_KEY = 1 << 20;

/**
 * Bytes N ranks send one another in a collective of S bytes, whatever the algorithm: an
 * all-reduce 2(N−1)·S (ring: each of 2(N−1) steps moves every chunk but one; trees: every
 * rank but the root sends each slice up and receives it down; halving-doubling: each chunk
 * leaves n/2 + n/4 + … + 1 = N−1 ranks each way; hierarchical: node rings M(g−1)·S twice
 * plus 2(M−1)·S across), the others (N−1)·S (reduce-scatter, all-gather, all-to-all,
 * broadcast). A message relayed through another GPU (PXN) counts once.
 */
export function plannedCollectiveBytes(kind: 'allreduce' | 'other', ranks: number, bytes: number): number {
  return (kind === 'allreduce' ? 2 : 1) * (ranks - 1) * bytes;
}

interface Connection {
  flows: FabricFlow[];
  next: number;
}

/**
 * What every collective shares: connections between ranks opened lazily (one per rank
 * pair and channel, each with `qpsPerConnection` queue pairs used round-robin, as NCCL
 * does by default), per-rank completion, and nccl-tests' bandwidth conventions.
 * Subclasses are per-rank state machines: they post messages in `begin` and from
 * delivery callbacks, and call `rankDone` when a rank holds its result.
 */
export abstract class Collective implements Workload, EventTarget, PinnedPost, CreditPost {
  readonly ranks: number;
  abstract readonly algBytes: number;
  abstract readonly busFactor: number;
  /** Which lower bound on scale-out traffic it obeys (see scaleOutFactor). */
  protected abstract readonly scaleOutBound: ScaleOutBound;
  /** Bytes the collective posts to the fabric in total, relay legs (PXN) included (for conservation checks). */
  totalBytes = 0;
  finishedPs = 0;
  /** When it started, and (when the run asks where the time goes) the delivery that finished it: its critical path's end. */
  startedPs = 0;
  criticalTail: PathNode | null = null;
  /** Called once, when the last rank holds its result (a job chains its next step on it). */
  onFinished: ((atPs: number) => void) | undefined;
  /** Observes every message posted (each relay leg apart): GPUs, bytes, channel. For tests and traces; unset costs nothing. */
  probe: ((srcGpu: number, dstGpu: number, bytes: number, channel: number) => void) | undefined;
  protected net!: FabricModel;
  private pendingRanks: number;
  private readonly connections = new Map<number, Connection>();
  /**
   * With one queue pair per connection (the default), the flow itself: one cold object less
   * per message. Keyed by (channel, src) and dst apart, so both keys stay small integers: a
   * Map keyed by the full 52-bit key hashes a heap number on every message (~10% of a
   * 100,000-GPU flow run); a typed hash table, not a Map per source (flow-table.ts).
   */
  private readonly singleFlows = new FlowTable();
  /** Each connection's queue pair for clear-to-sends, receiver to sender (postCredit). */
  private readonly creditFlows = new FlowTable();
  /** Application bytes each rank sent and received (closed-form checks); a relayed message counts once, at its ends. */
  readonly sentBytes: Float64Array;
  readonly receivedBytes: Float64Array;

  get gpusInUse(): readonly number[] {
    return this.params.gpus;
  }

  constructor(protected readonly params: CollectiveParams) {
    this.ranks = params.gpus.length;
    this.pendingRanks = this.ranks;
    this.sentBytes = new Float64Array(this.ranks);
    this.receivedBytes = new Float64Array(this.ranks);
  }

  /** Bytes its ranks send one another in all, from its kind, ranks and size (plannedCollectiveBytes). */
  get plannedBytes(): number {
    return plannedCollectiveBytes(this.scaleOutBound === 'allreduce' ? 'allreduce' : 'other', this.ranks, this.params.bytes);
  }

  /**
   * Every queue pair it opens adds its messages' bytes to `delivered` as the fabric delivers
   * them (FabricFlow.deliveredTo: a counter per collective, not a closure per message); a PXN
   * relay's first leg is taken off again when it lands, so each message counts once.
   */
  private readonly delivered = { deliveredBytes: 0 };
  private relayedBytes = 0;

  /** Of plannedBytes, delivered so far (each message once, when all of it has arrived). */
  get deliveredBytes(): number {
    return this.delivered.deliveredBytes - this.relayedBytes;
  }

  /** Least bytes per NIC per byte of S over the scale-out fabric, in servers of `gpusPerNode` (0: one server). */
  scaleOutFactor(gpusPerNode: number): number {
    return scaleOutFactor(this.scaleOutBound, this.params.gpus, gpusPerNode);
  }

  get finished(): boolean {
    return this.pendingRanks === 0;
  }

  /** Which row of NCCL's latency tables its steps pay with a protocol: trees their own, everything else the ring's. */
  protected readonly latencyRow: 'ring' | 'tree' = 'ring';

  /** The fabric, sent tagged messages (sendTagged); null: sent a closure per message (attribution keeps each message's cause). */
  private tagged: FabricModel | null = null;

  start(net: FabricModel): void {
    this.net = net;
    this.tagged = net.attribution ? null : net;
    this.startedPs = net.sim.nowPs;
    const { protocol } = this.params;
    // With a protocol the collective first pays NCCL's base (launch) latency.
    if (protocol) net.sim.schedule(psFromUs(BASE_LATENCY_US[this.latencyRow][protocol]), this, 0, () => this.begin());
    else this.begin();
  }

  /** A deferred action (a protocol's launch or per-step latency). */
  onEvent(_kind: number, action: unknown): void {
    (action as () => void)();
  }

  protected abstract begin(): void;

  /** Channels it runs: the spec's, else its default (1 unless a subclass says otherwise; NCCL's on NVLink servers). */
  get channels(): number {
    return resolveChannels(this.params, 1);
  }

  /** Rank `from` sends `bytes` to rank `to` on `channel`; `onArrive` fires when all of it is there. */
  protected send(from: number, to: number, bytes: number, channel: number, onArrive: (atPs: number) => void): void {
    this.sentBytes[from]! += bytes;
    this.receivedBytes[to]! += bytes;
    const { gpus } = this.params;
    this.post(gpus[from]!, gpus[to]!, bytes, channel, onArrive);
  }

  /** `send`, its arrival reported as `target.delivered(tag, atPs)` (see PostTagged). */
  protected sendTagged(from: number, to: number, bytes: number, channel: number, target: DeliveryTarget, tag: number): void {
    const net = this.tagged;
    if (net === null || this.params.protocol) {
      this.send(from, to, bytes, channel, (atPs) => target.delivered(tag, atPs));
      return;
    }
    this.sentBytes[from]! += bytes;
    this.receivedBytes[to]! += bytes;
    const { gpus } = this.params;
    const src = gpus[from]!;
    const dst = gpus[to]!;
    const flow = this.flowOf(src, dst, channel);
    this.totalBytes += bytes;
    this.probe?.(src, dst, bytes, channel);
    net.sendTagged(flow, bytes, target, tag);
  }

  pinnedFlow(from: number, to: number, channel: number): FabricFlow | null {
    if (this.tagged === null || this.params.protocol || this.params.qpsPerConnection !== 1) return null;
    const { gpus } = this.params;
    return this.flowOf(gpus[from]!, gpus[to]!, channel);
  }

  postPinned(flow: FabricFlow, from: number, to: number, bytes: number, channel: number, target: DeliveryTarget, tag: number): void {
    this.sentBytes[from]! += bytes;
    this.receivedBytes[to]! += bytes;
    this.totalBytes += bytes;
    if (this.probe !== undefined) {
      const { gpus } = this.params;
      this.probe(gpus[from]!, gpus[to]!, bytes, channel);
    }
    this.tagged!.sendTagged(flow, bytes, target, tag);
  }

  /**
   * Rank `from` (a receiver) writes a clear-to-send of CTS_BYTES to rank `to` (its sender on
   * `channel`), heard as `target.delivered(tag, atPs)`. NCCL posts it on its connection's first
   * queue pair, backwards; here it has a queue pair of its own per connection, so it never waits
   * behind that direction's data. Control, not payload: it counts in totalBytes (what the fabric
   * carries) but not in the ranks' sent and received bytes, progress or the probe, and pays no
   * protocol latency (the proxy writes it, not a kernel step).
   */
  postCredit(from: number, to: number, channel: number, target: DeliveryTarget, tag: number): void {
    const { gpus } = this.params;
    const src = gpus[from]!;
    const dst = gpus[to]!;
    const key = channel * GPU_KEY + src;
    let flow = this.creditFlows.get(key, dst);
    if (!flow) this.creditFlows.set(key, dst, (flow = this.net.openFlow(src, dst)));
    this.totalBytes += CTS_BYTES;
    const tagged = this.tagged;
    if (tagged !== null) tagged.sendTagged(flow, CTS_BYTES, target, tag);
    else this.net.send(flow, CTS_BYTES, (atPs) => target.delivered(tag, atPs));
  }

  /**
   * Rank `from` sends to rank `to` through GPU `viaGpu` of its own server (PXN: over NVLink to
   * the GPU whose NIC the message must leave by, which forwards it once all of it is there).
   */
  protected sendVia(from: number, to: number, viaGpu: number, bytes: number, channel: number, onArrive: (atPs: number) => void): void {
    const { gpus } = this.params;
    if (viaGpu === gpus[from] || viaGpu === gpus[to]) {
      this.send(from, to, bytes, channel, onArrive);
      return;
    }
    this.sentBytes[from]! += bytes;
    this.receivedBytes[to]! += bytes;
    this.post(gpus[from]!, viaGpu, bytes, channel, () => {
      this.relayedBytes += bytes;
      this.post(viaGpu, gpus[to]!, bytes, channel, onArrive);
    });
  }

  /** A queue pair whose deliveries count towards progress (without a protocol: with one, its sends count the payload). */
  private openFlow(src: number, dst: number): FabricFlow {
    const flow = this.net.openFlow(src, dst);
    if (!this.params.protocol) flow.deliveredTo = this.delivered;
    return flow;
  }

  /** One message between two GPUs on the connection of (channel, src, dst), opened on first use. */
  private post(src: number, dst: number, bytes: number, channel: number, onArrive: (atPs: number) => void): void {
    const flow = this.flowOf(src, dst, channel);
    const { protocol } = this.params;
    if (!protocol) {
      this.totalBytes += bytes;
      this.probe?.(src, dst, bytes, channel);
      this.net.send(flow, bytes, onArrive);
      return;
    }
    this.postProtocol(src, dst, bytes, channel, onArrive, flow, protocol);
  }

  /** The queue pair of the connection (channel, src, dst) the next message takes (opened on first use; several rotate). */
  private flowOf(src: number, dst: number, channel: number): FabricFlow {
    // GPU numbers below 2^20 and channels below 2^12 keep the key an exact integer.
    const { qpsPerConnection } = this.params;
    let flow: FabricFlow | undefined;
    if (qpsPerConnection === 1) {
      const from = channel * GPU_KEY + src;
      flow = this.singleFlows.get(from, dst);
      if (!flow) this.singleFlows.set(from, dst, (flow = this.openFlow(src, dst)));
    } else {
      const key = (channel * GPU_KEY + src) * GPU_KEY + dst;
      let connection = this.connections.get(key);
      if (!connection) {
        const flows = Array.from({ length: qpsPerConnection }, () => this.openFlow(src, dst));
        this.connections.set(key, (connection = { flows, next: 0 }));
      }
      flow = connection.flows[connection.next]!;
      connection.next = (connection.next + 1) % connection.flows.length;
    }
    return flow;
  }

  private postProtocol(src: number, dst: number, bytes: number, channel: number, onArrive: (atPs: number) => void, flow: FabricFlow, protocol: Protocol): void {
    // The protocol's lines carry flags with the data, and each step pays its latency first.
    const wireBytes = Math.ceil(bytes * WIRE_FACTOR[protocol]);
    const g = this.net.topology.nvlink?.gpusPerNode;
    const overNvlink = g !== undefined && Math.floor(src / g) === Math.floor(dst / g);
    const delayPs = psFromUs(stepLatencyUs(this.latencyRow, protocol, overNvlink));
    this.totalBytes += wireBytes;
    this.probe?.(src, dst, wireBytes, channel);
    const chosen = flow;
    // The fabric delivers wire bytes (flags included): count the payload here.
    const sendNow = () =>
      this.net.send(chosen, wireBytes, (atPs) => {
        this.delivered.deliveredBytes += bytes;
        onArrive(atPs);
      });
    // Under --threads the post is recorded now in every replica and sent by its sender's thread after the latency.
    const later = postAfterOf(this.net);
    if (later !== null) {
      later.postAfter(chosen, wireBytes, (atPs) => {
        this.delivered.deliveredBytes += bytes;
        onArrive(atPs);
      }, delayPs);
      return;
    }
    // Attribution: the step's message was gated by the delivery running now, not by whatever runs when it leaves.
    this.net.sim.schedule(delayPs, this, 0, this.net.attribution ? this.net.attribution.keepCause(sendNow) : sendNow);
  }

  /** The latest time a rank finished: under --threads a replica learns of other threads' ranks later (replayed), not in time order. */
  private lastRankPs = 0;

  protected rankDone(atPs: number): void {
    if (atPs > this.lastRankPs) this.lastRankPs = atPs;
    if (--this.pendingRanks > 0) return;
    atPs = this.lastRankPs;
    this.finishedPs = atPs;
    this.criticalTail = this.net.attribution?.cause ?? null;
    this.onFinished?.(atPs);
  }
}

/** How many slices of at most `chunkBytes` per step a part of `stepBytes` per step needs. */
export function sliceCount(stepBytes: number, chunkBytes: number | undefined): number {
  return chunkBytes === undefined ? 1 : Math.max(1, Math.ceil(stepBytes / chunkBytes));
}
