import type { EventTarget } from '../event-queue.js';
import { RadixEventQueue } from '../radix-event-queue.js';

/** Nodes above this cannot get a key (node × 2^32 + counter must stay an exact integer). */
export const MAX_KEYED_NODES = 2 ** 21;
const COUNTER_SPAN = 2 ** 32;

/** Out of line, as simulator.ts's pastTimeError: a message built inline in takeKey (run once per event) is converted on every call. */
function keyError(node: number, counter: number | undefined): Error {
  return new Error(counter === undefined ? `keyed event queue: no node ${node} (configure it first)` : `keyed event queue: node ${node} scheduled more than 2^32 events`);
}

/**
 * An event queue whose ties do not depend on how the nodes are spread over threads: events
 * are ordered by (time, key), key = (node that scheduled the event, that node's own counter),
 * not by one global insertion sequence. Every event runs on a node: the one it was pushed for
 * (`pushKeyed`: a link's far end) or else the scheduling node; what it schedules is keyed by
 * that node.
 * A run split over threads then orders every node's events exactly as a run in one thread.
 * A radix heap, as the sequential engine's (RadixEventQueue), with these keys.
 */
export class KeyedEventQueue extends RadixEventQueue {
  /** Per node, the next counter value of its keys. */
  private counters = new Float64Array(0);
  /** The node whose event is running (or, before the run, the setup node). */
  currentNode = -1;
  /** Events popped that ran on the setup node (every thread runs those: count them once). */
  setupEvents = 0;
  private setupNode = -1;
  private keyAtPop = 0;

  constructor() {
    // Keys come from many nodes' counters, not in push order: `now` is sorted when spread to.
    super(false);
  }

  /**
   * Node ids 0..nodes-1 (known once the network is built, before anything is scheduled);
   * `setupNode` keys what is scheduled before the first event (the workload's start).
   */
  configure(nodes: number, setupNode: number): void {
    if (nodes > MAX_KEYED_NODES) throw new Error(`keyed event queue: ${nodes} nodes, at most ${MAX_KEYED_NODES}`);
    if (this.size > 0) throw new Error('keyed event queue: configure it before anything is scheduled');
    this.counters = new Float64Array(nodes);
    this.currentNode = setupNode;
    this.setupNode = setupNode;
  }

  /** The key the running node gives its next event (consumed: an event sent to another thread carries it). */
  takeKey(): number {
    const node = this.currentNode;
    const c = this.counters[node];
    if (c === undefined || c >= COUNTER_SPAN) throw keyError(node, c);
    this.counters[node] = c + 1;
    return node * COUNTER_SPAN + c;
  }

  override push(timePs: number, target: EventTarget, kind: number, arg: unknown): void {
    this.pushKeyed(timePs, target, kind, arg, this.takeKey(), this.currentNode);
  }

  /** Inserts an event with a key made elsewhere (by the same node in another thread's replica). */
  pushKeyed(timePs: number, target: EventTarget, kind: number, arg: unknown, key: number, node: number): void {
    const slot = this.insert(timePs, target, kind, arg, key);
    this.tagOf[slot] = node;
  }

  /** The key of the event popped last, kept for the whole event (a push during it may reuse its slot). */
  override get poppedKey(): number {
    return this.keyAtPop;
  }

  override pop(): EventTarget | undefined {
    const target = super.pop();
    if (target === undefined) return undefined;
    this.keyAtPop = this.keyOf[this.poppedSlot]!;
    const node = this.tagOf[this.poppedSlot]!;
    this.currentNode = node;
    if (node === this.setupNode) this.setupEvents++;
    return target;
  }
}
