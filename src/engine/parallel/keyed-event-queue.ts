import type { EventQueue, EventTarget } from '../event-queue.js';
import { grown } from '../typed-arrays.js';

/** A target that runs on a node of its own (a link's far end); any other target runs on the node that scheduled it. */
export interface NodeTarget extends EventTarget {
  readonly partitionNode: number;
}

/** Nodes above this cannot get a key (node × 2^32 + counter must stay an exact integer). */
export const MAX_KEYED_NODES = 2 ** 21;
const COUNTER_SPAN = 2 ** 32;

/**
 * An event queue whose ties do not depend on how the nodes are spread over threads: events
 * are ordered by (time, key), key = (node that scheduled the event, that node's own counter),
 * not by one global insertion sequence. Every event runs on a node: the target's own
 * (`partitionNode`) or else the scheduling node's; what it schedules is keyed by that node.
 * A run split over threads then orders every node's events exactly as a run in one thread.
 * 4-ary heap over parallel arrays, as TypedEventQueue.
 */
export class KeyedEventQueue implements EventQueue {
  private times: Float64Array;
  private keys: Float64Array;
  private kinds: Int32Array;
  private nodes: Int32Array;
  private targets: (EventTarget | undefined)[];
  private args: unknown[];
  private count = 0;
  /** Per node, the next counter value of its keys. */
  private counters = new Float64Array(0);
  /** The node whose event is running (or, before the run, the setup node). */
  currentNode = -1;
  poppedTimePs = 0;
  poppedKind = 0;
  poppedArg: unknown = undefined;
  poppedKey = 0;
  /** Events popped that ran on the setup node (every thread runs those: count them once). */
  setupEvents = 0;
  private setupNode = -1;

  constructor(initialCapacity = 1024) {
    this.times = new Float64Array(initialCapacity);
    this.keys = new Float64Array(initialCapacity);
    this.kinds = new Int32Array(initialCapacity);
    this.nodes = new Int32Array(initialCapacity);
    this.targets = new Array(initialCapacity);
    this.args = new Array(initialCapacity);
  }

  /**
   * Node ids 0..nodes-1 (known once the network is built, before anything is scheduled);
   * `setupNode` keys what is scheduled before the first event (the workload's start).
   */
  configure(nodes: number, setupNode: number): void {
    if (nodes > MAX_KEYED_NODES) throw new Error(`keyed event queue: ${nodes} nodes, at most ${MAX_KEYED_NODES}`);
    if (this.count > 0) throw new Error('keyed event queue: configure it before anything is scheduled');
    this.counters = new Float64Array(nodes);
    this.currentNode = setupNode;
    this.setupNode = setupNode;
  }

  get size(): number {
    return this.count;
  }

  peekTimePs(): number {
    return this.count === 0 ? Infinity : this.times[0]!;
  }

  /** The key the running node gives its next event (consumed: an event sent to another thread carries it). */
  takeKey(): number {
    const node = this.currentNode;
    const c = this.counters[node];
    if (c === undefined) throw new Error(`keyed event queue: no node ${node} (configure it first)`);
    if (c >= COUNTER_SPAN) throw new Error(`keyed event queue: node ${node} scheduled more than 2^32 events`);
    this.counters[node] = c + 1;
    return node * COUNTER_SPAN + c;
  }

  push(timePs: number, target: EventTarget, kind: number, arg: unknown): void {
    const own = (target as Partial<NodeTarget>).partitionNode;
    this.pushKeyed(timePs, target, kind, arg, this.takeKey(), own === undefined ? this.currentNode : own);
  }

  /** Inserts an event with a key made elsewhere (by the same node in another thread's replica). */
  pushKeyed(timePs: number, target: EventTarget, kind: number, arg: unknown, key: number, node: number): void {
    if (this.count === this.times.length) this.grow();
    const times = this.times;
    const keys = this.keys;
    let i = this.count++;
    while (i > 0) {
      const parent = (i - 1) >> 2;
      const pt = times[parent]!;
      if (pt < timePs || (pt === timePs && keys[parent]! < key)) break;
      this.move(parent, i);
      i = parent;
    }
    this.set(i, timePs, key, kind, node, target, arg);
  }

  pop(): EventTarget | undefined {
    if (this.count === 0) return undefined;
    const target = this.targets[0];
    this.poppedTimePs = this.times[0]!;
    this.poppedKey = this.keys[0]!;
    this.poppedKind = this.kinds[0]!;
    this.poppedArg = this.args[0];
    const node = this.nodes[0]!;
    this.currentNode = node;
    if (node === this.setupNode) this.setupEvents++;
    const last = --this.count;
    if (last > 0) this.siftDownLast(last);
    this.targets[last] = undefined;
    this.args[last] = undefined;
    return target;
  }

  private siftDownLast(last: number): void {
    const times = this.times;
    const keys = this.keys;
    const t = times[last]!;
    const k = keys[last]!;
    const kind = this.kinds[last]!;
    const node = this.nodes[last]!;
    const target = this.targets[last];
    const arg = this.args[last];
    let i = 0;
    for (;;) {
      const first = 4 * i + 1;
      if (first >= last) break;
      let child = first;
      let ct = times[first]!;
      let ck = keys[first]!;
      const end = Math.min(first + 4, last);
      for (let c = first + 1; c < end; c++) {
        const tc = times[c]!;
        if (tc < ct || (tc === ct && keys[c]! < ck)) {
          child = c;
          ct = tc;
          ck = keys[c]!;
        }
      }
      if (t < ct || (t === ct && k < ck)) break;
      this.move(child, i);
      i = child;
    }
    this.set(i, t, k, kind, node, target, arg);
  }

  private set(i: number, t: number, k: number, kind: number, node: number, target: EventTarget | undefined, arg: unknown): void {
    this.times[i] = t;
    this.keys[i] = k;
    this.kinds[i] = kind;
    this.nodes[i] = node;
    this.targets[i] = target;
    this.args[i] = arg;
  }

  private move(from: number, to: number): void {
    this.set(to, this.times[from]!, this.keys[from]!, this.kinds[from]!, this.nodes[from]!, this.targets[from], this.args[from]);
  }

  private grow(): void {
    const capacity = this.times.length * 2;
    this.times = grown(this.times, capacity);
    this.keys = grown(this.keys, capacity);
    this.kinds = grown(this.kinds, capacity);
    this.nodes = grown(this.nodes, capacity);
    this.targets.length = capacity;
    this.args.length = capacity;
  }
}
