import { splitEvenly } from '../workload.js';
import type { ScaleOutBound } from './scale-out.js';
import { defaultRingChannels, railRing, serversOf } from './rails.js';
import type { DeliveryTarget, FabricFlow } from '../../fabric/index.js';
import { Collective, resolveChannels, sliceCount, type CollectiveParams, type MemberDone, type PinnedPost, type PostMessage } from './collective.js';

/** Which ring collective: all-reduce is reduce-scatter followed by all-gather. */
export type RingKind = 'allreduce' | 'reducescatter' | 'allgather';

/** What a ring of n members reads and never writes: its orders and its chunk sizes (RingRun's fields of the same names). */
export interface RingTables {
  readonly memberAt: number[][];
  readonly slotOf: number[][];
  readonly chunkBytes: number[][];
}

/** A RingRun's state in arrays its caller shares between rings (see RingRun's `shared`). */
export interface RingState {
  readonly pending: Int32Array;
  readonly pendingAt: number;
  readonly pinned: (FabricFlow | null | undefined)[];
  readonly pinnedAt: number;
}

/**
 * A RingRun's tables for n members (see its constructor): computed once, they can be
 * shared by rings of the same shape (a million-GPU hierarchical all-reduce has 250,000
 * rings of 8, each with its own copies before: ~20 objects each for the garbage collector).
 */
export function ringTables(n: number, bytes: number, channels: number, chunkBytes: number | undefined, channelOrders?: number[][]): RingTables {
  const memberAt = channelOrders ?? [Array.from({ length: n }, (_, i) => i)];
  const slotOf = memberAt.map((order) => {
    const slots = new Array<number>(n);
    order.forEach((member, slot) => (slots[member] = slot));
    return slots;
  });
  const perChannel = splitEvenly(bytes, channels);
  const slicesPerChannel = Math.max(...perChannel.map((b) => sliceCount(Math.ceil(b / n), chunkBytes)));
  return { memberAt, slotOf, chunkBytes: perChannel.flatMap((b) => splitEvenly(b, slicesPerChannel).map((slice) => splitEvenly(slice, n))) };
}

/**
 * A ring collective over the ranks of `params.gpus`, as per-rank state machines. The data
 * is split across channels, each channel's part into slices of at most `chunkBytes` per
 * step (pipelining), each slice into N chunks. At step s rank r sends one chunk to rank
 * r+1, and may send step s+1 once step s from rank r−1 has arrived (it reduces or copies
 * it first). Steps: N−1 for reduce-scatter and all-gather, 2(N−1) for all-reduce.
 *
 * Ranks can start at different times (`startRank`), which is how the hierarchical
 * all-reduce chains rings; `onRankDone` reports a rank that holds its result.
 */
export class RingRun implements DeliveryTarget {
  readonly steps: number;
  /** chunkBytes[part][i]: chunk i of part (channel × slice). */
  private readonly chunkBytes: number[][];
  private readonly parts: number;
  /** Parts each member has still to finish, from pendingAt (in an array a caller may share between rings). */
  private readonly pendingParts: Int32Array;
  private readonly pendingAt: number;
  private readonly pinnedAt: number;
  /** slotOf[c][i]: ring slot of member i on channel c; memberAt[c][slot] the inverse (one shared ring without `channelOrders`). */
  private readonly memberAt: number[][];
  private readonly slotOf: number[][];
  /** With `pin`: per (part, ring slot), from pinnedAt, the queue pair to the next slot (undefined: not resolved yet; null: per message, by `send`). */
  private readonly pinned: (FabricFlow | null | undefined)[] = [];

  constructor(
    private readonly kind: RingKind,
    /** Rank numbers (of the enclosing collective) in ring order. */
    private readonly members: number[],
    /** Per rank: all-reduce S; reduce-scatter/all-gather: the whole gathered buffer. */
    bytes: number,
    private readonly channels: number,
    chunkBytes: number | undefined,
    private readonly send: PostMessage,
    private readonly onRankDone: MemberDone,
    /** Per channel, the ring order as positions in `members` (NCCL's rings differ per channel on multi-NIC servers); default `members`' order. */
    channelOrders?: number[][],
    /** Post on queue pairs resolved once per (part, slot), told by tag (no closure per message), where the collective can (see PinnedPost). */
    private readonly pin?: PinnedPost,
    /** Its orders and chunk sizes (ringTables of the same arguments): rings of one shape may share them. */
    tables: RingTables = ringTables(members.length, bytes, channels, chunkBytes, channelOrders),
    /**
     * Where its state lives, when a caller keeps many rings' in a few arrays (a million-GPU
     * hierarchical all-reduce has 250,000 rings: an array or two each for the garbage
     * collector): its pending parts from shared.pendingAt (filled with its part count by the
     * caller), its queue pairs from shared.pinnedAt (rings over the same members, channels and
     * tables may share these: the same connections, resolved by the same lookup).
     */
    shared?: RingState,
  ) {
    const n = members.length;
    this.memberAt = tables.memberAt;
    this.slotOf = tables.slotOf;
    this.steps = kind === 'allreduce' ? 2 * (n - 1) : n - 1;
    this.chunkBytes = tables.chunkBytes;
    this.parts = this.chunkBytes.length;
    this.pendingParts = shared?.pending ?? new Int32Array(n).fill(this.parts);
    this.pendingAt = shared?.pendingAt ?? 0;
    this.pinnedAt = shared?.pinnedAt ?? 0;
    if (pin) this.pinned = shared?.pinned ?? new Array<FabricFlow | null | undefined>(this.parts * n).fill(undefined);
  }

  /** Rank at ring position `i` starts at `atPs`: posts step 0 of every part (a ring of one is done at once). */
  startRank(i: number, atPs = 0): void {
    if (this.steps === 0) {
      this.onRankDone(this.members[i]!, atPs);
      return;
    }
    for (let part = 0; part < this.parts; part++) this.sendStep(part, this.slotOf[this.ringOf(part)]![i]!, 0);
  }

  /** Which ring order `part` follows (its channel's, or the one shared). */
  private ringOf(part: number): number {
    return this.memberAt.length === 1 ? 0 : part % this.channels;
  }

  /**
   * Chunk index ring slot i sends at step s. Reduce-scatter: chunk i−s (after N−1 steps
   * position i holds chunk i+1 reduced). The all-gather half of an all-reduce then
   * forwards chunk i+1−s'; a standalone all-gather starts from its own chunk i.
   */
  private chunkOf(i: number, s: number): number {
    const n = this.members.length;
    let chunk: number;
    if (this.kind === 'allgather') chunk = i - s;
    else if (s < n - 1) chunk = i - s;
    else chunk = i + 1 - (s - (n - 1));
    return ((chunk % n) + n) % n;
  }

  /** Ring slot i sends step s of `part`. */
  private sendStep(part: number, i: number, s: number): void {
    const n = this.members.length;
    const next = (i + 1) % n;
    const memberAt = this.memberAt[this.ringOf(part)]!;
    const bytes = this.chunkBytes[part]![this.chunkOf(i, s)]!;
    const to = memberAt[next]!;
    const from = this.members[memberAt[i]!]!;
    const channel = part % this.channels;
    const pin = this.pin;
    if (pin !== undefined) {
      const e = this.pinnedAt + part * n + i;
      let flow = this.pinned[e];
      if (flow === undefined) this.pinned[e] = flow = pin.pinnedFlow(from, this.members[to]!, channel);
      if (flow !== null) {
        pin.postPinned(flow, from, this.members[to]!, bytes, channel, this, (s * this.parts + part) * n + next);
        return;
      }
    }
    this.send(from, this.members[to]!, bytes, channel, (atPs) => this.received(part, next, to, s, atPs));
  }

  /** A pinned message arrived: its tag is (step · parts + part) · n + the receiving slot. */
  delivered(tag: number, atPs: number): void {
    const n = this.members.length;
    const next = tag % n;
    const q = (tag - next) / n;
    const part = q % this.parts;
    const s = (q - part) / this.parts;
    this.received(part, next, this.memberAt[this.ringOf(part)]![next]!, s, atPs);
  }

  private received(part: number, slot: number, member: number, s: number, atPs: number): void {
    if (s + 1 < this.steps) this.sendStep(part, slot, s + 1);
    else if (--this.pendingParts[this.pendingAt + member]! === 0) this.onRankDone(this.members[member]!, atPs);
  }
}

/** nccl-tests' busbw factor of each ring collective. */
const BUS_FACTOR: Record<RingKind, (n: number) => number> = {
  allreduce: (n) => (2 * (n - 1)) / n,
  reducescatter: (n) => (n - 1) / n,
  allgather: (n) => (n - 1) / n,
};

/**
 * Ring all-reduce, reduce-scatter or all-gather over every rank, all starting at once. On
 * servers of several GPUs (the fabric's NVLink domain) the rings are NCCL's (see rails.ts):
 * channel c enters and leaves every server through rail c's NIC, NVLink inside, and the
 * channels default to NCCL's count (2 per NIC); elsewhere one ring in rank order.
 */
export class RingCollective extends Collective {
  readonly algBytes: number;
  readonly busFactor: number;
  protected readonly scaleOutBound: ScaleOutBound;
  private run!: RingRun;
  private resolvedChannels = 1;
  /** Per channel: the GPU each rank's inter-server send is relayed through (−1: sent directly). */
  private viaGpu: Int32Array[] = [];

  constructor(
    private readonly kind: RingKind,
    params: CollectiveParams,
    /** PXN (NCCL_PXN_DISABLE=0): the inter-server send leaves by the channel's rail NIC through NVLink. */
    private readonly pxn = true,
  ) {
    super(params);
    this.algBytes = params.bytes;
    this.busFactor = BUS_FACTOR[kind](this.ranks);
    this.scaleOutBound = kind === 'allreduce' ? 'allreduce' : 'gather';
  }

  override get channels(): number {
    return this.resolvedChannels;
  }

  protected begin(): void {
    const { gpus, bytes, chunkBytes } = this.params;
    const g = this.net.topology.nvlink?.gpusPerNode ?? 1;
    const servers = g > 1 ? serversOf(gpus, g) : null;
    this.resolvedChannels = resolveChannels(this.params, servers ? defaultRingChannels(servers) : 1);
    const members = Array.from({ length: this.ranks }, (_, r) => r);
    let orders: number[][] | undefined;
    if (servers) {
      const rings = Array.from({ length: this.resolvedChannels }, (_, c) => railRing(servers, gpus, c, this.pxn));
      orders = rings.map((ring) => ring.order);
      this.viaGpu = rings.map((ring) => ring.viaGpu);
    }
    const send: PostMessage = (from, to, b, channel, onArrive) => {
      const via = this.viaGpu[channel]?.[from] ?? -1;
      if (via >= 0) this.sendVia(from, to, via, b, channel, onArrive);
      else this.send(from, to, b, channel, onArrive);
    };
    this.run = new RingRun(this.kind, members, bytes, this.resolvedChannels, chunkBytes, send, (_r, atPs) => this.rankDone(atPs), orders);
    for (let i = 0; i < this.ranks; i++) this.run.startRank(i);
  }
}
