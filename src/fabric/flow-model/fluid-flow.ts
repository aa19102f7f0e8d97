import type { EventTarget } from '../../engine/index.js';
import type { DeliveredBytes, FabricFlow } from '../fabric-model.js';
import type { FlowLinks } from './flow-links.js';
import { FLAT_LINKS, repeatsLink, type SolverFlow } from './max-min.js';
import type { FlowPath } from './paths.js';

/** Event kinds a fluid flow receives. */
export const enum FluidEvent {
  /** The head message's last byte left the sender (arg: the schedule's generation). */
  Sent = 0,
  /** A message reached the receiver (arg: its slot in the network's message pool). */
  Delivered = 1,
}

/** Numbers of a flow in its owner's `flowState`, FLOW_STATE per flow (by id). */
export const FLOW_STATE = 4;
const RATE = 0;
const PREV_RATE = 1;
const REMAINING_BYTES = 2;
const SETTLED_PS = 3;

/** What a fluid flow belongs to: its numbers live there, its events go there. */
export interface FluidFlowOwner {
  /** Per flow id, FLOW_STATE numbers (rate, rate before, bytes left, settled at); replaced when it grows. */
  flowState: Float64Array;
  /** Plain paths by flow id (FlowLinks): a flow keeps no links array of its own. */
  readonly flowLinks: FlowLinks;
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
  /** Its links when not plain (weighted, long, or a link twice); null: in the owner's flowLinks. */
  private linkArray: number[] | null = null;
  weights!: number[] | null;
  hops!: number;
  gbps!: number;
  delayPs!: number;
  nvlink!: boolean;
  perHop: FlowPath['perHop'];
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

  /** Its links (a new array when they are in the owner's flowLinks: read `copyPlainLinks` where it matters). */
  get links(): number[] {
    if (this.linkArray !== null) return this.linkArray;
    const { items, start, count } = this.owner.flowLinks;
    const at = start[this.id]!;
    return Array.from(items.subarray(at, at + count[this.id]!));
  }

  /**
   * For the solver: a plain path's links (unit weights, at most FLAT_LINKS, each once) copied
   * to `into` from `at`, and how many; −1: not plain (read `links` and `weights`).
   */
  copyPlainLinks(into: Int32Array, at: number): number {
    if (this.linkArray !== null) return -1;
    const { items, start, count } = this.owner.flowLinks;
    const from = start[this.id]!;
    const n = count[this.id]!;
    for (let i = 0; i < n; i++) into[at + i] = items[from + i]!;
    return n;
  }

  /** Takes `path`'s fields: at creation, and when the flow moves (failures reroute it; the solver must not hold it meanwhile). */
  setPath(path: FlowPath): void {
    const plain = path.weights === null && path.links.length <= FLAT_LINKS && !repeatsLink(path.links);
    if (plain) this.owner.flowLinks.set(this.id, path.links);
    this.linkArray = plain ? null : path.links;
    this.weights = path.weights;
    this.hops = path.hops;
    this.gbps = path.gbps;
    this.delayPs = path.delayPs;
    this.nvlink = path.nvlink;
    this.perHop = path.perHop;
  }

  onEvent(kind: number, arg: unknown): void {
    this.owner.flowEvent(this, kind, arg as number);
  }
}
