import type { EventQueue, EventTarget } from '../../engine/index.js';
import { grown } from '../../engine/index.js';

/** Buckets of the radix heap: bucket b > 0 holds times whose highest bit differing from `last` is bit b − 1 (times < 2^53). */
const BUCKETS = 55;
const TWO_32 = 4_294_967_296;

/**
 * The flow model's event queue: the same order as the engine's TypedEventQueue (time, then
 * insertion order, one sequence number per push), as a radix heap, with events that can be
 * superseded.
 *
 * Radix heap (Ahuja, Mehlhorn, Orlin, Tarjan 1990): the simulator never schedules before the
 * last event it ran, so time only moves forward; an event waits in the bucket of the highest
 * bit in which its time differs from the last time taken out, and when bucket 0 (that very
 * time) runs dry the lowest non-empty bucket is spread out again relative to its earliest time.
 * An event moves a few times between buckets, each move a sequential append, against a 4-ary
 * heap's ~10 levels of scattered compares per pop at a million pending events. Ties: events
 * of one time are always in one bucket, in sequence order: a push appends the highest
 * sequence yet, and a bucket is spread only when every lower one is empty, in its own order
 * (a subsequence per lower bucket). So bucket 0 runs in the order of pushes.
 *
 * Keyed events (a flow's pending Sent): `pushKeyed` supersedes the key's previous event,
 * which is then dropped when it reaches the front, never run (the flow model had to run it
 * and ignore it). Superseded events take their sequence numbers with them, so the events
 * that do run keep exactly the relative order they had.
 *
 * Times must be whole picoseconds (the engine's clock is); a push before the last time taken
 * out (a sliced run that peeked past its limit) re-spreads every event relative to it.
 */
export class FlowEventQueue implements EventQueue {
  // Per event slot: sequence, kind, key (−1: none), target, arg; free slots on a stack.
  private seqOf = new Float64Array(1024);
  private kindOf = new Int32Array(1024);
  private keyOf = new Int32Array(1024);
  private targetOf: (EventTarget | undefined)[] = [];
  private argOf: unknown[] = [];
  private freeSlots = new Int32Array(1024);
  private freeCount = 0;
  private slotCount = 0;
  // Per bucket: times and slots of its events (unordered, but bucket 0 in sequence order from head0).
  private readonly times: Float64Array[] = [];
  private readonly slots: Int32Array[] = [];
  private readonly lengths = new Int32Array(BUCKETS);
  private readonly mins = new Float64Array(BUCKETS).fill(Infinity);
  private head0 = 0;
  /** The time bucket 0 holds (the last one taken out or spread to). */
  private last = 0;
  private lastHi = 0;
  private lastLo = 0;
  /** Per key: the sequence number of its pending event, −1: none. */
  private liveSeq = new Float64Array(1024).fill(-1);
  private nextSeq = 0;
  private live = 0;
  /** Keyed events superseded before they ran. */
  superseded = 0;
  poppedTimePs = 0;
  poppedKind = 0;
  poppedArg: unknown = undefined;

  constructor() {
    for (let b = 0; b < BUCKETS; b++) {
      this.times.push(new Float64Array(b === 0 ? 1024 : 64));
      this.slots.push(new Int32Array(b === 0 ? 1024 : 64));
    }
  }

  /** Events that will run (superseded ones not counted). */
  get size(): number {
    return this.live;
  }

  push(timePs: number, target: EventTarget, kind: number, arg: unknown): void {
    this.insert(timePs, target, kind, arg, -1);
  }

  /** Pushes the event of `key` (a small integer), superseding the one it has pending, if any. */
  pushKeyed(timePs: number, target: EventTarget, kind: number, arg: unknown, key: number): void {
    if (key >= this.liveSeq.length) this.growKeys(key);
    if (this.liveSeq[key]! >= 0) this.cancel(key);
    this.liveSeq[key] = this.nextSeq;
    this.insert(timePs, target, kind, arg, key);
  }

  /** Drops the pending event of `key`, if any. */
  cancel(key: number): void {
    if (key >= this.liveSeq.length || this.liveSeq[key]! < 0) return;
    this.liveSeq[key] = -1;
    this.live--;
    this.superseded++;
  }

  peekTimePs(): number {
    for (;;) {
      if (this.live === 0) return Infinity;
      // Superseded events at the front go now, so the time returned is one that will run.
      while (this.head0 < this.lengths[0]!) {
        if (this.isLive(this.slots[0]![this.head0]!)) return this.last;
        this.release(this.slots[0]![this.head0++]!);
      }
      this.refill();
    }
  }

  pop(): EventTarget | undefined {
    for (;;) {
      if (this.live === 0) return undefined;
      if (this.head0 === this.lengths[0]!) this.refill();
      const slot = this.slots[0]![this.head0++]!;
      if (this.head0 === this.lengths[0]!) this.head0 = this.lengths[0] = 0;
      const key = this.keyOf[slot]!;
      if (key >= 0) {
        if (this.liveSeq[key] !== this.seqOf[slot]) {
          this.release(slot);
          continue;
        }
        this.liveSeq[key] = -1;
      }
      const target = this.targetOf[slot];
      this.poppedTimePs = this.last;
      this.poppedKind = this.kindOf[slot]!;
      this.poppedArg = this.argOf[slot];
      this.release(slot);
      this.live--;
      return target;
    }
  }

  private isLive(slot: number): boolean {
    const key = this.keyOf[slot]!;
    return key < 0 || this.liveSeq[key] === this.seqOf[slot];
  }

  private insert(timePs: number, target: EventTarget, kind: number, arg: unknown, key: number): void {
    if (!Number.isInteger(timePs)) throw new Error(`flow model: event time ${timePs} ps is not a whole picosecond`);
    if (timePs < this.last) this.rebase(timePs);
    let slot: number;
    if (this.freeCount > 0) slot = this.freeSlots[--this.freeCount]!;
    else {
      if (this.slotCount === this.seqOf.length) this.growSlots();
      slot = this.slotCount++;
    }
    this.seqOf[slot] = this.nextSeq++;
    this.kindOf[slot] = kind;
    this.keyOf[slot] = key;
    this.targetOf[slot] = target;
    this.argOf[slot] = arg;
    this.live++;
    this.append(this.bucketOf(timePs), timePs, slot);
  }

  private release(slot: number): void {
    this.targetOf[slot] = undefined;
    this.argOf[slot] = undefined;
    this.freeSlots[this.freeCount++] = slot;
  }

  /** The bucket of `timePs` relative to `last`: the bit length of their XOR (53-bit integers, in two halves). */
  private bucketOf(timePs: number): number {
    const hi = Math.floor(timePs / TWO_32);
    const x = hi ^ this.lastHi;
    if (x !== 0) return 64 - Math.clz32(x);
    return 32 - Math.clz32((timePs >>> 0) ^ this.lastLo);
  }

  private append(b: number, timePs: number, slot: number): void {
    const n = this.lengths[b]!;
    if (n === this.slots[b]!.length) this.growBucket(b);
    this.times[b]![n] = timePs;
    this.slots[b]![n] = slot;
    this.lengths[b] = n + 1;
    if (timePs < this.mins[b]!) this.mins[b] = timePs;
  }

  private setLast(timePs: number): void {
    this.last = timePs;
    this.lastHi = Math.floor(timePs / TWO_32);
    this.lastLo = timePs >>> 0;
  }

  /** Bucket 0 is empty: spread the lowest non-empty bucket relative to its earliest time. */
  private refill(): void {
    this.head0 = this.lengths[0] = 0;
    let b = 1;
    while (this.lengths[b] === 0) b++;
    const n = this.lengths[b]!;
    const times = this.times[b]!;
    const slots = this.slots[b]!;
    this.setLast(this.mins[b]!);
    this.lengths[b] = 0;
    this.mins[b] = Infinity;
    // Every event goes to a lower bucket (they agree with the new `last` above bit b − 1).
    for (let i = 0; i < n; i++) this.append(this.bucketOf(times[i]!), times[i]!, slots[i]!);
  }

  /** A push before `last`: every event is re-spread relative to the new, earlier time. */
  private rebase(timePs: number): void {
    const all: number[] = [];
    for (let b = 0; b < BUCKETS; b++) {
      for (let i = b === 0 ? this.head0 : 0; i < this.lengths[b]!; i++) all.push(this.times[b]![i]!, this.slots[b]![i]!);
      this.lengths[b] = 0;
      this.mins[b] = Infinity;
    }
    this.head0 = 0;
    this.setLast(timePs);
    // Nothing is at the new time yet, so bucket 0 stays empty and its order holds.
    for (let i = 0; i < all.length; i += 2) this.append(this.bucketOf(all[i]!), all[i]!, all[i + 1]!);
  }

  private growBucket(b: number): void {
    const n = 2 * this.slots[b]!.length;
    this.times[b] = grown(this.times[b]!, n);
    this.slots[b] = grown(this.slots[b]!, n);
  }

  private growSlots(): void {
    const n = 2 * this.seqOf.length;
    this.seqOf = grown(this.seqOf, n);
    this.kindOf = grown(this.kindOf, n);
    this.keyOf = grown(this.keyOf, n);
    this.freeSlots = grown(this.freeSlots, n);
  }

  private growKeys(key: number): void {
    let n = this.liveSeq.length;
    while (n <= key) n *= 2;
    this.liveSeq = grown(this.liveSeq, n, -1);
  }
}
