import type { EventTarget } from '../../engine/index.js';
import type { DeliveredBytes, FabricFlow } from '../fabric-model.js';
import type { FlowLinks } from './flow-links.js';
import { isPlainPath, type SolverFlow } from './max-min.js';
import type { FlowPath } from './paths.js';

/** Event kinds a fluid flow receives. */
export const enum FluidEvent {
  /** The head message's last byte left the sender (arg: the schedule's generation). */
  Sent = 0,
  /** A message reached the receiver (arg: its slot in the network's message pool). */
  Delivered = 1,
}

/** Numbers of a flow in its owner's `flowState`, FLOW_STATE per flow (by id: 64 bytes, one cache line). */
export const FLOW_STATE = 8;
const RATE = 0;
const PREV_RATE = 1;
const REMAINING_BYTES = 2;
const SETTLED_PS = 3;
/** Where the owner's event queue keeps the flow's pending Sent event (FlowEventQueue.keepKeysIn). */
export const SENT_KEY = 4;
/**
 * The head message's payload bytes and frames, copied from the message pool when it becomes
 * the head: its Sent event then reads the flow's line only (the pool's record was a cache
 * miss per message at a million GPUs).
 */
const HEAD_BYTES = 5;
const HEAD_FRAMES = 6;

/** What a fluid flow belongs to: its numbers live there, its events go there. */
export interface FluidFlowOwner {
  /** Per flow id, FLOW_STATE numbers (rate, rate before, bytes left, settled at, its pending Sent, its head message's bytes and frames); replaced when it grows. */
  flowState: Float64Array;
  /** Plain paths by flow id (FlowLinks): a flow keeps no links array of its own. */
  readonly flowLinks: FlowLinks;
  readonly pathKinds: PathKinds;
  flowEvent(flow: FluidFlow, kind: FluidEvent, arg: number): void;
}

/**
 * A queue pair as a fluid: its messages leave one after another at the flow's max-min
 * fair rate; it is active (holds capacity) while it has bytes to send. Bytes left are
 * settled lazily: `remainingBytes` is exact at `settledPs`, and the rate has been
 * constant since. Its messages wait in a FIFO of slots of the network's message pool
 * (`first` … `last`, linked by the pool; −1: none), so a message is no object.
 *
 * Its four fractional numbers (rate, prevRate, remainingBytes, settledPs) live in the
 * owner's Float64Array by flow id, not as fields: a field holding a double is a heap number
 * of its own, so a million-GPU run's 4.5 M flows were 18 M more objects for the garbage
 * collector to copy and mark, all alive to the end.
 */
export class FluidFlow implements SolverFlow, FabricFlow, EventTarget, FlowPath {
  slot = -1;
  // Its path's fields, held here (the flow is its own FlowPath: one object per flow, not two); set by setPath.
  /** Its path when not plain (weighted, long, or a link twice: its links and weights are read there); null: its links are in the owner's flowLinks. */
  private irregular: FlowPath | null = null;
  /** Its path's hops, rates and delays, shared with every flow whose path has the same (PathKinds). */
  private kind!: PathKind;
  active = false;
  /** Bumped whenever the pending Sent event is superseded (a rate change), when the queue cannot cancel it. */
  generation = 0;
  /** A Sent event at the current rate is pending. */
  sentPending = false;
  /** See FabricFlow.deliveredTo. */
  deliveredTo: DeliveredBytes | null = null;
  /** Pool slots of the messages not yet sent, oldest first. */
  first = -1;
  last = -1;

  constructor(
    readonly id: number,
    readonly src: number,
    readonly dst: number,
    path: FlowPath,
    private readonly owner: FluidFlowOwner,
  ) {
    this.setPath(path);
  }

  /** Its path (itself: it holds the path's fields). */
  get path(): FlowPath {
    return this;
  }

  get rate(): number {
    return this.owner.flowState[FLOW_STATE * this.id + RATE]!;
  }

  set rate(gbps: number) {
    this.owner.flowState[FLOW_STATE * this.id + RATE] = gbps;
  }

  get prevRate(): number {
    return this.owner.flowState[FLOW_STATE * this.id + PREV_RATE]!;
  }

  set prevRate(gbps: number) {
    this.owner.flowState[FLOW_STATE * this.id + PREV_RATE] = gbps;
  }

  get remainingBytes(): number {
    return this.owner.flowState[FLOW_STATE * this.id + REMAINING_BYTES]!;
  }

  set remainingBytes(bytes: number) {
    this.owner.flowState[FLOW_STATE * this.id + REMAINING_BYTES] = bytes;
  }

  get settledPs(): number {
    return this.owner.flowState[FLOW_STATE * this.id + SETTLED_PS]!;
  }

  set settledPs(ps: number) {
    this.owner.flowState[FLOW_STATE * this.id + SETTLED_PS] = ps;
  }

  get headBytes(): number {
    return this.owner.flowState[FLOW_STATE * this.id + HEAD_BYTES]!;
  }

  get headFrames(): number {
    return this.owner.flowState[FLOW_STATE * this.id + HEAD_FRAMES]!;
  }

  /** The head message (its pool slot in `first`) has `bytes` of payload in `frames` frames. */
  setHead(bytes: number, frames: number): void {
    const at = FLOW_STATE * this.id;
    this.owner.flowState[at + HEAD_BYTES] = bytes;
    this.owner.flowState[at + HEAD_FRAMES] = frames;
  }

  /** Its links (a new array when they are in the owner's flowLinks: read `copyPlainLinks` where it matters). */
  get links(): number[] {
    return this.irregular !== null ? this.irregular.links : this.owner.flowLinks.linksOf(this.id);
  }

  get weights(): number[] | null {
    return this.irregular === null ? null : this.irregular.weights;
  }

  get hops(): number {
    return this.kind.hops;
  }

  get gbps(): number {
    return this.kind.gbps;
  }

  get delayPs(): number {
    return this.kind.delayPs;
  }

  get nvlink(): boolean {
    return this.kind.nvlink;
  }

  get perHop(): FlowPath['perHop'] {
    return this.kind.perHop;
  }

  /** For the solver: a plain path's links copied to `into` from `at`, and how many; −1: not plain (read `links` and `weights`). */
  copyPlainLinks(into: Int32Array, at: number): number {
    return this.irregular !== null ? -1 : this.owner.flowLinks.copyTo(this.id, into, at);
  }

  /** Takes `path`'s fields: at creation, and when the flow moves (failures reroute it; the solver must not hold it meanwhile). */
  setPath(path: FlowPath): void {
    const plain = isPlainPath(path.links, path.weights);
    if (plain) this.owner.flowLinks.set(this.id, path.links);
    this.irregular = plain ? null : path;
    this.kind = this.owner.pathKinds.of(path);
  }

  onEvent(kind: number, arg: unknown): void {
    this.owner.flowEvent(this, kind, arg as number);
  }
}

/** What a path's latency reads (path-latency.ts): its hops, rate, delay, NVLink or not, and per-hop rates. */
export interface PathKind {
  readonly hops: number;
  readonly gbps: number;
  readonly delayPs: number;
  readonly nvlink: boolean;
  readonly perHop: FlowPath['perHop'];
}

/** Paths' kinds, one object per distinct kind (a Clos has a handful: NVLink, 2, 4 and 6 hops): 5 fields fewer per flow. */
export class PathKinds {
  private readonly kinds: PathKind[] = [];

  /** The shared kind of `path` (its own one past MAX_KINDS distinct kinds, or with per-hop rates). */
  of(path: FlowPath): PathKind {
    const { hops, gbps, delayPs, nvlink, perHop } = path;
    if (perHop !== undefined) return { hops, gbps, delayPs, nvlink, perHop };
    const kinds = this.kinds;
    for (let i = 0; i < kinds.length; i++) {
      const k = kinds[i]!;
      if (Object.is(k.hops, hops) && Object.is(k.gbps, gbps) && Object.is(k.delayPs, delayPs) && k.nvlink === nvlink) return k;
    }
    const kind: PathKind = { hops, gbps, delayPs, nvlink, perHop: undefined };
    if (kinds.length < MAX_KINDS) kinds.push(kind);
    return kind;
  }
}

const MAX_KINDS = 64;
