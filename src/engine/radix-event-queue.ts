import type { EventQueue, EventTarget } from './event-queue.js';
import { grown } from './typed-arrays.js';

/** A time is read in 4-bit digits: a level per digit, and in a level a bucket per digit value. */
const DIGIT_BITS = 4;
const DIGITS = 1 << DIGIT_BITS;
/** Levels enough for the clock's 53-bit times. */
const LEVELS = 14;
const TWO_32 = 4_294_967_296;
/** sortNow's merge sort starts from runs of this many events, each sorted by insertion (a group this small is sorted by insertion alone). */
const INSERTION_SORT_MAX = 32;

/** Sorts slots[from, to) by keys[from, to) (side by side), stably. */
function insertionSortByKey(keys: Float64Array, slots: Int32Array, from: number, to: number): void {
  for (let i = from + 1; i < to; i++) {
    const key = keys[i]!;
    const slot = slots[i]!;
    let j = i;
    while (j > from && keys[j - 1]! > key) {
      keys[j] = keys[j - 1]!;
      slots[j] = slots[j - 1]!;
      j--;
    }
    keys[j] = key;
    slots[j] = slot;
  }
}

/** Sorts slots[0, n) by keys[0, n), stably: runs of INSERTION_SORT_MAX sorted in place (all of it, up to that size), then merged back and forth through the scratch arrays. */
function mergeSortByKey(keys: Float64Array, slots: Int32Array, n: number, scratchKeys: Float64Array, scratchSlots: Int32Array): void {
  for (let from = 0; from < n; from += INSERTION_SORT_MAX) insertionSortByKey(keys, slots, from, Math.min(from + INSERTION_SORT_MAX, n));
  let fromKeys = keys;
  let fromSlots = slots;
  let toKeys = scratchKeys;
  let toSlots = scratchSlots;
  for (let width = INSERTION_SORT_MAX; width < n; width *= 2) {
    for (let lo = 0; lo < n; lo += 2 * width) {
      const mid = Math.min(lo + width, n);
      const hi = Math.min(lo + 2 * width, n);
      let i = lo;
      let j = mid;
      let k = lo;
      // Ties take the left run first: stable.
      while (i < mid && j < hi) {
        if (fromKeys[j]! < fromKeys[i]!) {
          toKeys[k] = fromKeys[j]!;
          toSlots[k++] = fromSlots[j++]!;
        } else {
          toKeys[k] = fromKeys[i]!;
          toSlots[k++] = fromSlots[i++]!;
        }
      }
      for (; i < mid; i++, k++) {
        toKeys[k] = fromKeys[i]!;
        toSlots[k] = fromSlots[i]!;
      }
      for (; j < hi; j++, k++) {
        toKeys[k] = fromKeys[j]!;
        toSlots[k] = fromSlots[j]!;
      }
    }
    const keysWere = fromKeys;
    const slotsWere = fromSlots;
    fromKeys = toKeys;
    fromSlots = toSlots;
    toKeys = keysWere;
    toSlots = slotsWere;
  }
  if (fromSlots !== slots) slots.set(fromSlots.subarray(0, n));
}

/** Out of line, as simulator.ts's pastTimeError: a message built inline is converted on every push. */
function fractionalTimeError(timePs: number): Error {
  return new Error(`event time ${timePs} ps is not a whole picosecond`);
}

/** The lowest set bit of a non-zero 32-bit mask. */
const lowestBit = (mask: number): number => 31 - Math.clz32(mask & -mask);

/**
 * The packet engine's event queue: order (time, key), key = push order here (a subclass
 * gives its own keys, parallel/keyed-event-queue.ts), as a radix heap (Ahuja, Mehlhorn, Orlin,
 * Tarjan 1990) over 4-bit digits — the same order as TypedEventQueue's 4-ary heap, so results
 * are identical.
 *
 * The simulator never schedules before the last event it ran (`last`), so time only moves
 * forward. An event at `last` waits in `now`; a later one in the bucket of the highest 4-bit
 * digit in which its time differs from `last` (its level) and of its own value of that digit.
 * When `now` runs dry, the lowest non-empty bucket holds the earliest events: `last` becomes
 * its earliest time and its events are spread again, each to `now` or a lower level. An event
 * moves at most once per level it descends, ~3 appends in all in the bench's runs against ~6
 * with one bucket per bit (the classic radix heap), sequential writes where a heap does
 * scattered compares per pop; per-level masks of non-empty buckets find the lowest at once.
 *
 * Ties: events of one time always share a bucket and keep their relative (push) order when it
 * is spread; `now` is kept sorted by key (a push in key order, the usual case, appends). What
 * an event carries (its key too, where a subclass reads keys) stays in its slot from push to
 * pop; buckets move (time, slot) only. Times must be whole picoseconds (the engine's clock is); a push before `last`
 * re-spreads every event relative to it (never in a run: it cannot schedule in the past).
 */
export class RadixEventQueue implements EventQueue {
  // Per event slot: kind, key, a subclass's own number (tagOf), target, arg; free slots on a stack.
  private kindOf = new Int32Array(1024);
  protected keyOf = new Float64Array(1024);
  private readonly keepsKeys: boolean;
  /** A number a subclass keeps per event (KeyedEventQueue: the node it runs on; FlowEventQueue: its flow's key). */
  protected tagOf = new Int32Array(1024);
  private targetOf: (EventTarget | undefined)[] = [];
  private argOf: unknown[] = [];
  private freeSlots = new Int32Array(1024);
  private freeCount = 0;
  private slotCount = 0;
  /** Per bucket (level × DIGITS + digit): its events' (time, slot) pairs, interleaved. */
  private readonly entries: Float64Array[] = [];
  private readonly lengths = new Int32Array(LEVELS * DIGITS);
  private readonly mins = new Float64Array(LEVELS * DIGITS).fill(Infinity);
  /** Per level, a bit per non-empty bucket; and a bit per level with any. */
  private readonly digitMasks = new Int32Array(LEVELS);
  private levelMask = 0;
  /** sortNow's keys of `now`, gathered, and its merge sort's scratch (only a queue whose keys come out of push order). */
  private sortKeys = new Float64Array(0);
  private scratchKeys = new Float64Array(0);
  private scratchSlots = new Int32Array(0);
  /** The slots of the events at `last`, in key order, from `head`. */
  private now = new Int32Array(1024);
  private nowLength = 0;
  private head = 0;
  /** The time of `now` (the last one taken out, or spread to), and its two 32-bit halves. */
  private last = 0;
  private lastHi = 0;
  private lastLo = 0;
  private count = 0;
  protected nextSeq = 0;
  poppedTimePs = 0;
  poppedKind = 0;
  poppedArg: unknown = undefined;
  /** The slot of the event popped last (its tag and key stay there until the next push). */
  protected poppedSlot = -1;

  /**
   * @param keysInPushOrder keys only grow from push to push (a sequence number): spreading a
   * bucket keeps them in order, so `now` never needs sorting.
   */
  constructor(private readonly keysInPushOrder = true) {
    // Only a subclass reads keys (poppedKey, frontKey); the engine's own queue skips storing
    // them: at 8,192 hosts the write to a freed slot's key is a cache miss per push.
    this.keepsKeys = !keysInPushOrder || new.target !== RadixEventQueue;
    for (let b = 0; b < LEVELS * DIGITS; b++) this.entries.push(new Float64Array(16));
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
    if (this.head < this.nowLength) return this.last;
    const level = lowestBit(this.levelMask);
    return this.mins[level * DIGITS + lowestBit(this.digitMasks[level]!)]!;
  }

  /**
   * The slot of the earliest event, spreading a bucket into `now` if it ran dry; for a
   * subclass that drops events unrun (FlowEventQueue). The queue must not be empty.
   */
  protected frontSlot(): number {
    if (this.head === this.nowLength) this.refill();
    return this.now[this.head]!;
  }

  /**
   * The key of the event popped last, until the next push (which may reuse its slot); read
   * on demand, and kept only for a subclass (NaN in the engine's own queue, which never needs it).
   */
  get poppedKey(): number {
    return this.keepsKeys ? this.keyOf[this.poppedSlot]! : NaN;
  }

  /** The key of the event frontSlot() returned. */
  protected frontKey(): number {
    return this.keyOf[this.now[this.head]!]!;
  }

  pop(): EventTarget | undefined {
    if (this.count === 0) return undefined;
    if (this.head === this.nowLength) this.refill();
    const slot = this.now[this.head++]!;
    if (this.head === this.nowLength) this.head = this.nowLength = 0;
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
    if (!Number.isInteger(timePs)) throw fractionalTimeError(timePs);
    if (timePs < this.last) this.rebase(timePs);
    let slot: number;
    if (this.freeCount > 0) slot = this.freeSlots[--this.freeCount]!;
    else {
      if (this.slotCount === this.kindOf.length) this.growSlots();
      slot = this.slotCount++;
    }
    this.kindOf[slot] = kind;
    if (this.keepsKeys) this.keyOf[slot] = key;
    this.targetOf[slot] = target;
    this.argOf[slot] = arg;
    this.count++;
    if (timePs === this.last) this.insertNow(slot, key);
    else this.place(timePs, slot);
    return slot;
  }

  /** Appends an event later than `last` to the bucket of the highest digit where they differ (53-bit integers, in two halves). */
  private place(timePs: number, slot: number): void {
    const hi = timePs < TWO_32 ? 0 : Math.floor(timePs / TWO_32);
    const x = hi ^ this.lastHi;
    let level: number;
    let digit: number;
    if (x !== 0) {
      level = (63 - Math.clz32(x)) >> 2;
      digit = (hi >>> (level * DIGIT_BITS - 32)) & (DIGITS - 1);
    } else {
      const lo = timePs >>> 0;
      level = (31 - Math.clz32(lo ^ this.lastLo)) >> 2;
      digit = (lo >>> (level * DIGIT_BITS)) & (DIGITS - 1);
    }
    const b = level * DIGITS + digit;
    const n = this.lengths[b]!;
    let pairs = this.entries[b]!;
    if (2 * n === pairs.length) pairs = this.entries[b] = grown(pairs, 2 * pairs.length);
    pairs[2 * n] = timePs;
    pairs[2 * n + 1] = slot;
    this.lengths[b] = n + 1;
    if (n === 0) {
      this.mins[b] = timePs;
      this.digitMasks[level] |= 1 << digit;
      this.levelMask |= 1 << level;
    } else if (timePs < this.mins[b]!) this.mins[b] = timePs;
  }

  /** An event at `last` itself: into `now` at its key's place (the end, unless keys come out of order). */
  private insertNow(slot: number, key: number): void {
    let n = this.nowLength;
    if (n === this.now.length) this.now = grown(this.now, 2 * n);
    const now = this.now;
    let i = n++;
    if (!this.keysInPushOrder) {
      const keyOf = this.keyOf;
      while (i > this.head && keyOf[now[i - 1]!]! > key) {
        now[i] = now[i - 1]!;
        i--;
      }
    }
    now[i] = slot;
    this.nowLength = n;
  }

  private setLast(timePs: number): void {
    this.last = timePs;
    this.lastHi = timePs < TWO_32 ? 0 : Math.floor(timePs / TWO_32);
    this.lastLo = timePs >>> 0;
  }

  /** `now` is empty: spread the lowest non-empty bucket relative to its earliest time. */
  private refill(): void {
    this.head = this.nowLength = 0;
    const level = lowestBit(this.levelMask);
    const digit = lowestBit(this.digitMasks[level]!);
    const b = level * DIGITS + digit;
    const n = this.lengths[b]!;
    const pairs = this.entries[b]!;
    const first = this.mins[b]!;
    this.setLast(first);
    this.lengths[b] = 0;
    this.mins[b] = Infinity;
    const mask = this.digitMasks[level]! & ~(1 << digit);
    this.digitMasks[level] = mask;
    if (mask === 0) this.levelMask &= ~(1 << level);
    if (this.now.length < n) this.now = grown(this.now, Math.max(n, 2 * this.now.length));
    const now = this.now;
    // The earliest go to `now` in bucket order; the others agree with `last` above this level, so they go lower.
    let m = 0;
    for (let i = 0; i < 2 * n; i += 2) {
      const t = pairs[i]!;
      if (t === first) now[m++] = pairs[i + 1]!;
      else this.place(t, pairs[i + 1]!);
    }
    this.nowLength = m;
    if (!this.keysInPushOrder) this.sortNow();
  }

  /**
   * Orders `now` (all at `last`) by key, stably: spreading kept the order of a bucket, not of
   * keys. Each event's key is read from its slot once, into `sortKeys` beside it (slots are
   * scattered over the slot arrays, the gathered keys are contiguous), and the pairs are sorted
   * there: insertion sort for a few, else a merge sort through scratch arrays. A library sort
   * with a comparator reading `keyOf` by slot was ~12% of the CPU in a profile of htsim's
   * lockstep case (every host sending at line rate puts many events on one picosecond).
   */
  private sortNow(): void {
    const n = this.nowLength;
    if (n < 2) return;
    if (this.sortKeys.length < n) {
      const length = Math.max(n, 2 * this.sortKeys.length);
      this.sortKeys = new Float64Array(length);
      this.scratchKeys = new Float64Array(length);
      this.scratchSlots = new Int32Array(length);
    }
    const now = this.now;
    const keyOf = this.keyOf;
    const keys = this.sortKeys;
    let sorted = true;
    let previous = (keys[0] = keyOf[now[0]!]!);
    for (let i = 1; i < n; i++) {
      const key = (keys[i] = keyOf[now[i]!]!);
      if (key < previous) sorted = false;
      previous = key;
    }
    if (!sorted) mergeSortByKey(keys, now, n, this.scratchKeys, this.scratchSlots);
  }

  /** A push before `last`: every event is re-spread relative to the new, earlier time. */
  private rebase(timePs: number): void {
    // Bucket by bucket: the events of one time are all in one bucket, in order, and stay so.
    const all: number[] = [];
    for (let i = this.head; i < this.nowLength; i++) all.push(this.last, this.now[i]!);
    this.head = this.nowLength = 0;
    for (let b = 0; b < LEVELS * DIGITS; b++) {
      const pairs = this.entries[b]!;
      for (let i = 0; i < 2 * this.lengths[b]!; i++) all.push(pairs[i]!);
      this.lengths[b] = 0;
      this.mins[b] = Infinity;
    }
    this.digitMasks.fill(0);
    this.levelMask = 0;
    this.setLast(timePs);
    // Nothing is at the new time yet, so `now` stays empty.
    for (let i = 0; i < all.length; i += 2) this.place(all[i]!, all[i + 1]!);
  }

  private growSlots(): void {
    const n = 2 * this.kindOf.length;
    this.kindOf = grown(this.kindOf, n);
    this.keyOf = grown(this.keyOf, n);
    this.tagOf = grown(this.tagOf, n);
    this.freeSlots = grown(this.freeSlots, n);
  }
}
