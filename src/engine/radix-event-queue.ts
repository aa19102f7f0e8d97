import type { EventQueue, EventTarget } from './event-queue.js';
import { grown } from './typed-arrays.js';

/** Bucket b > 0 holds times whose highest bit differing from `last` is bit b − 1 (times < 2^53); bucket 0 holds `last` itself. */
const BUCKETS = 55;
const TWO_32 = 4_294_967_296;
/** Above this many events at one time, bucket 0 is ordered by a library sort instead of insertion. */
const INSERTION_SORT_MAX = 32;

/**
 * The packet engine's event queue: order (time, key), key = push order here (a subclass
 * gives its own keys, parallel/keyed-event-queue.ts), as a radix heap (Ahuja, Mehlhorn, Orlin,
 * Tarjan 1990) — the same order as TypedEventQueue's 4-ary heap, so results are identical.
 *
 * The simulator never schedules before the last event it ran, so time only moves forward;
 * an event waits in the bucket of the highest bit in which its time differs from the last
 * time taken out, and when bucket 0 (that very time) runs dry the lowest non-empty bucket is
 * spread out again relative to its earliest time. An event moves a few times between
 * buckets, each move a sequential append: against a heap's ~8 levels of scattered compares
 * per pop at 100k pending events, that is what a fabric of 8,192 hosts spends less on
 * (the heap's lower levels no longer fit in cache there).
 *
 * Ties: events of one time always share a bucket and keep their relative order when it is
 * spread; bucket 0 is kept sorted by key (a push in key order, the usual case, appends).
 * What an event carries stays in its slot from push to pop; buckets move (time, slot) only.
 * Times must be whole picoseconds (the engine's clock is); a push before the last time taken
 * out re-spreads every event relative to it (never in a run: it cannot schedule in the past).
 */
export class RadixEventQueue implements EventQueue {
  // Per event slot: kind, a subclass's own number (tagOf), target, arg; free slots on a stack.
  private kindOf = new Int32Array(1024);
  /** A number a subclass keeps per event (KeyedEventQueue: the node it runs on; FlowEventQueue: its flow's key). */
  protected tagOf = new Int32Array(1024);
  private targetOf: (EventTarget | undefined)[] = [];
  private argOf: unknown[] = [];
  private freeSlots = new Int32Array(1024);
  private freeCount = 0;
  private slotCount = 0;
  // Per bucket: times, keys and slots of its events (keys beside them, so ordering bucket 0
  // reads no slot's record); bucket 0 from head0, in key order.
  private readonly times: Float64Array[] = [];
  private readonly keys: Float64Array[] = [];
  private readonly slots: Int32Array[] = [];
  private readonly lengths = new Int32Array(BUCKETS);
  private readonly mins = new Float64Array(BUCKETS).fill(Infinity);
  private head0 = 0;
  /** The time bucket 0 holds (the last one taken out, or spread to). */
  private last = 0;
  private lastHi = 0;
  private lastLo = 0;
  private count = 0;
  protected nextSeq = 0;
  poppedTimePs = 0;
  poppedKind = 0;
  poppedArg: unknown = undefined;
  poppedKey = 0;
  /** The slot of the event popped last (its node and key stay there until the next push). */
  protected poppedSlot = -1;

  /**
   * @param keysInPushOrder keys only grow from push to push (a sequence number): spreading a
   * bucket keeps them in order, so bucket 0 never needs sorting.
   */
  constructor(private readonly keysInPushOrder = true) {
    for (let b = 0; b < BUCKETS; b++) {
      this.times.push(new Float64Array(b === 0 ? 1024 : 64));
      this.keys.push(new Float64Array(b === 0 ? 1024 : 64));
      this.slots.push(new Int32Array(b === 0 ? 1024 : 64));
    }
  }

  get size(): number {
    return this.count;
  }

  push(timePs: number, target: EventTarget, kind: number, arg: unknown): void {
    this.insert(timePs, target, kind, arg, this.nextSeq++);
  }

  /** Time of the earliest event, without taking anything out (a window's end may lie before it). */
  peekTimePs(): number {
    if (this.count === 0) return Infinity;
    if (this.head0 < this.lengths[0]!) return this.last;
    let b = 1;
    while (this.lengths[b] === 0) b++;
    return this.mins[b]!;
  }

  /**
   * The slot and key of the earliest event, spreading a bucket into bucket 0 if it ran dry;
   * for a subclass that drops events unrun (FlowEventQueue). The queue must not be empty.
   */
  protected frontSlot(): number {
    if (this.head0 === this.lengths[0]!) this.refill();
    return this.slots[0]![this.head0]!;
  }

  /** The key of the event frontSlot() returned. */
  protected frontKey(): number {
    return this.keys[0]![this.head0]!;
  }

  pop(): EventTarget | undefined {
    if (this.count === 0) return undefined;
    if (this.head0 === this.lengths[0]!) this.refill();
    const at = this.head0++;
    const slot = this.slots[0]![at]!;
    this.poppedKey = this.keys[0]![at]!;
    if (this.head0 === this.lengths[0]!) this.head0 = this.lengths[0] = 0;
    const target = this.targetOf[slot];
    this.poppedTimePs = this.last;
    this.poppedKind = this.kindOf[slot]!;
    this.poppedArg = this.argOf[slot];
    this.poppedSlot = slot;
    this.targetOf[slot] = undefined;
    this.argOf[slot] = undefined;
    this.freeSlots[this.freeCount++] = slot;
    this.count--;
    return target;
  }

  /** Stores an event with key `key`; returns its slot. */
  protected insert(timePs: number, target: EventTarget, kind: number, arg: unknown, key: number): number {
    if (!Number.isInteger(timePs)) throw new Error(`event time ${timePs} ps is not a whole picosecond`);
    if (timePs < this.last) this.rebase(timePs);
    let slot: number;
    if (this.freeCount > 0) slot = this.freeSlots[--this.freeCount]!;
    else {
      if (this.slotCount === this.kindOf.length) this.growSlots();
      slot = this.slotCount++;
    }
    this.kindOf[slot] = kind;
    this.targetOf[slot] = target;
    this.argOf[slot] = arg;
    this.count++;
    const b = this.bucketOf(timePs);
    if (b === 0) this.insertNow(slot, key);
    else this.append(b, timePs, key, slot);
    return slot;
  }

  /** The bucket of `timePs` relative to `last`: the bit length of their XOR (53-bit integers, in two halves). */
  private bucketOf(timePs: number): number {
    const hi = timePs < TWO_32 ? 0 : Math.floor(timePs / TWO_32);
    const x = hi ^ this.lastHi;
    if (x !== 0) return 64 - Math.clz32(x);
    return 32 - Math.clz32((timePs >>> 0) ^ this.lastLo);
  }

  private append(b: number, timePs: number, key: number, slot: number): void {
    const n = this.lengths[b]!;
    if (n === this.slots[b]!.length) this.growBucket(b);
    this.times[b]![n] = timePs;
    this.keys[b]![n] = key;
    this.slots[b]![n] = slot;
    this.lengths[b] = n + 1;
    if (timePs < this.mins[b]!) this.mins[b] = timePs;
  }

  /** An event at `last` itself: into bucket 0 at its key's place (the end, unless keys come out of order). */
  private insertNow(slot: number, key: number): void {
    let n = this.lengths[0]!;
    if (n === this.slots[0]!.length) this.growBucket(0);
    const front = this.slots[0]!;
    const frontKeys = this.keys[0]!;
    let i = n++;
    while (i > this.head0 && frontKeys[i - 1]! > key) {
      front[i] = front[i - 1]!;
      frontKeys[i] = frontKeys[i - 1]!;
      i--;
    }
    front[i] = slot;
    frontKeys[i] = key;
    this.lengths[0] = n;
  }

  private setLast(timePs: number): void {
    this.last = timePs;
    this.lastHi = timePs < TWO_32 ? 0 : Math.floor(timePs / TWO_32);
    this.lastLo = timePs >>> 0;
  }

  /** Bucket 0 is empty: spread the lowest non-empty bucket relative to its earliest time. */
  private refill(): void {
    this.head0 = this.lengths[0] = 0;
    let b = 1;
    while (this.lengths[b] === 0) b++;
    const n = this.lengths[b]!;
    const times = this.times[b]!;
    const keys = this.keys[b]!;
    const slots = this.slots[b]!;
    this.setLast(this.mins[b]!);
    this.lengths[b] = 0;
    this.mins[b] = Infinity;
    // Every event goes to a lower bucket (they agree with the new `last` above bit b − 1).
    for (let i = 0; i < n; i++) {
      const t = times[i]!;
      this.append(this.bucketOf(t), t, keys[i]!, slots[i]!);
    }
    if (!this.keysInPushOrder) this.sortNow();
  }

  /** Orders bucket 0 (all at `last`) by key: spreading kept the order of a bucket, not of keys. */
  private sortNow(): void {
    const n = this.lengths[0]!;
    if (n < 2) return;
    const front = this.slots[0]!;
    const frontKeys = this.keys[0]!;
    if (n > INSERTION_SORT_MAX) {
      let sorted = true;
      for (let i = 1; i < n && sorted; i++) sorted = frontKeys[i - 1]! < frontKeys[i]!;
      if (sorted) return;
      const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => frontKeys[a]! - frontKeys[b]!);
      const slots = order.map((i) => front[i]!);
      const keys = order.map((i) => frontKeys[i]!);
      front.set(slots);
      frontKeys.set(keys);
      return;
    }
    for (let i = 1; i < n; i++) {
      const slot = front[i]!;
      const key = frontKeys[i]!;
      let j = i;
      while (j > 0 && frontKeys[j - 1]! > key) {
        front[j] = front[j - 1]!;
        frontKeys[j] = frontKeys[j - 1]!;
        j--;
      }
      front[j] = slot;
      frontKeys[j] = key;
    }
  }

  /** A push before `last`: every event is re-spread relative to the new, earlier time. */
  private rebase(timePs: number): void {
    const all: number[] = [];
    for (let b = 0; b < BUCKETS; b++) {
      for (let i = b === 0 ? this.head0 : 0; i < this.lengths[b]!; i++) all.push(b === 0 ? this.last : this.times[b]![i]!, this.keys[b]![i]!, this.slots[b]![i]!);
      this.lengths[b] = 0;
      this.mins[b] = Infinity;
    }
    this.head0 = 0;
    this.setLast(timePs);
    // Nothing is at the new time yet, so bucket 0 stays empty and its order holds.
    for (let i = 0; i < all.length; i += 3) this.append(this.bucketOf(all[i]!), all[i]!, all[i + 1]!, all[i + 2]!);
  }

  private growBucket(b: number): void {
    const n = 2 * this.slots[b]!.length;
    this.times[b] = grown(this.times[b]!, n);
    this.keys[b] = grown(this.keys[b]!, n);
    this.slots[b] = grown(this.slots[b]!, n);
  }

  private growSlots(): void {
    const n = 2 * this.kindOf.length;
    this.kindOf = grown(this.kindOf, n);
    this.tagOf = grown(this.tagOf, n);
    this.freeSlots = grown(this.freeSlots, n);
  }
}
