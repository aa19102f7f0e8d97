import type { EventQueue, EventTarget } from './event-queue.js';
import { grown } from './typed-arrays.js';

/**
 * 4-ary min-heap (half the depth of a binary heap) whose entries are only keys and a slot
 * number: (time, sequence) side by side in one Float64Array, so the four children of a node
 * span at most two cache lines, and the slot in an Int32Array. What an event carries
 * (target, kind, arg) stays in its slot from push to pop and never moves: sifting copies
 * numbers only (no pointer stores, so no write barrier), and the slot freed by a pop is the
 * next one a push takes (still in cache). No object per event, so pushing and popping
 * allocate nothing once the arrays have grown to the peak number of pending events.
 */
export class TypedEventQueue implements EventQueue {
  /** Heap entry i: keys[2i] its time, keys[2i + 1] its sequence number, slotOf[i] its slot. */
  private keys: Float64Array;
  private slotOf: Int32Array;
  /** By slot. */
  private kinds: Int32Array;
  private targets: (EventTarget | undefined)[];
  private args: unknown[];
  /** A stack of the slots not in use. */
  private freeSlots: Int32Array;
  private freeCount: number;
  private count = 0;
  private nextSeq = 0;
  poppedTimePs = 0;
  poppedKind = 0;
  poppedArg: unknown = undefined;

  constructor(initialCapacity = 1024) {
    const capacity = Math.max(1, initialCapacity);
    this.keys = new Float64Array(2 * capacity);
    this.slotOf = new Int32Array(capacity);
    this.kinds = new Int32Array(capacity);
    this.targets = new Array(capacity).fill(undefined);
    this.args = new Array(capacity).fill(undefined);
    this.freeSlots = new Int32Array(capacity);
    for (let i = 0; i < capacity; i++) this.freeSlots[i] = capacity - 1 - i;
    this.freeCount = capacity;
  }

  get size(): number {
    return this.count;
  }

  peekTimePs(): number {
    return this.count === 0 ? Infinity : this.keys[0]!;
  }

  push(timePs: number, target: EventTarget, kind: number, arg: unknown): void {
    if (this.count === this.slotOf.length) this.grow();
    const slot = this.freeSlots[--this.freeCount]!;
    this.kinds[slot] = kind;
    this.targets[slot] = target;
    this.args[slot] = arg;
    const seq = this.nextSeq++;
    const keys = this.keys;
    const slotOf = this.slotOf;
    let i = this.count++;
    // Sift up: move parents down until the new event's place is found.
    while (i > 0) {
      const parent = (i - 1) >> 2;
      const pt = keys[2 * parent]!;
      if (pt < timePs || (pt === timePs && keys[2 * parent + 1]! < seq)) break;
      keys[2 * i] = pt;
      keys[2 * i + 1] = keys[2 * parent + 1]!;
      slotOf[i] = slotOf[parent]!;
      i = parent;
    }
    keys[2 * i] = timePs;
    keys[2 * i + 1] = seq;
    slotOf[i] = slot;
  }

  pop(): EventTarget | undefined {
    if (this.count === 0) return undefined;
    const slot = this.slotOf[0]!;
    const target = this.targets[slot];
    this.poppedTimePs = this.keys[0]!;
    this.poppedKind = this.kinds[slot]!;
    this.poppedArg = this.args[slot];
    this.targets[slot] = undefined;
    this.args[slot] = undefined;
    this.freeSlots[this.freeCount++] = slot;
    const last = --this.count;
    if (last > 0) this.siftDownLast(last);
    return target;
  }

  /** Re-inserts the entry at index `last` from the root downwards. */
  private siftDownLast(last: number): void {
    const keys = this.keys;
    const slotOf = this.slotOf;
    const t = keys[2 * last]!;
    const s = keys[2 * last + 1]!;
    const slot = slotOf[last]!;
    let i = 0;
    for (;;) {
      const first = 4 * i + 1;
      if (first >= last) break;
      // The earliest of up to four children.
      let child = first;
      let ct = keys[2 * first]!;
      let cs = keys[2 * first + 1]!;
      const end = first + 4 < last ? first + 4 : last;
      for (let c = first + 1; c < end; c++) {
        const tc = keys[2 * c]!;
        if (tc < ct || (tc === ct && keys[2 * c + 1]! < cs)) {
          child = c;
          ct = tc;
          cs = keys[2 * c + 1]!;
        }
      }
      if (t < ct || (t === ct && s < cs)) break;
      keys[2 * i] = ct;
      keys[2 * i + 1] = cs;
      slotOf[i] = slotOf[child]!;
      i = child;
    }
    keys[2 * i] = t;
    keys[2 * i + 1] = s;
    slotOf[i] = slot;
  }

  private grow(): void {
    const old = this.slotOf.length;
    const capacity = old * 2;
    const keys = grown(this.keys, 2 * capacity);
    const slotOf = grown(this.slotOf, capacity);
    const kinds = grown(this.kinds, capacity);
    // Every slot is in use when the heap is full: the new ones are all free.
    const freeSlots = new Int32Array(capacity);
    for (let i = 0; i < old; i++) freeSlots[i] = capacity - 1 - i;
    this.freeCount = old;
    this.keys = keys;
    this.slotOf = slotOf;
    this.kinds = kinds;
    this.freeSlots = freeSlots;
    for (let i = old; i < capacity; i++) {
      this.targets.push(undefined);
      this.args.push(undefined);
    }
  }
}
