import type { EventQueue, EventTarget } from './event-queue.js';

/**
 * 4-ary min-heap over parallel arrays (half the depth of a binary heap, and the four
 * children of a node share a cache line): keys (time, sequence) in Float64Arrays, payloads in
 * plain arrays. No object per event, so pushing and popping allocate nothing once the
 * arrays have grown to the peak number of pending events.
 */
export class TypedEventQueue implements EventQueue {
  private times: Float64Array;
  private seqs: Float64Array;
  private kinds: Int32Array;
  private targets: (EventTarget | undefined)[];
  private args: unknown[];
  private count = 0;
  private nextSeq = 0;
  poppedTimePs = 0;
  poppedKind = 0;
  poppedArg: unknown = undefined;

  constructor(initialCapacity = 1024) {
    this.times = new Float64Array(initialCapacity);
    this.seqs = new Float64Array(initialCapacity);
    this.kinds = new Int32Array(initialCapacity);
    this.targets = new Array(initialCapacity);
    this.args = new Array(initialCapacity);
  }

  get size(): number {
    return this.count;
  }

  peekTimePs(): number {
    return this.count === 0 ? Infinity : this.times[0]!;
  }

  push(timePs: number, target: EventTarget, kind: number, arg: unknown): void {
    if (this.count === this.times.length) this.grow();
    const seq = this.nextSeq++;
    const times = this.times;
    const seqs = this.seqs;
    let i = this.count++;
    // Sift up: move parents down until the new event's slot is found.
    while (i > 0) {
      const parent = (i - 1) >> 2;
      const pt = times[parent]!;
      if (pt < timePs || (pt === timePs && seqs[parent]! < seq)) break;
      this.move(parent, i);
      i = parent;
    }
    times[i] = timePs;
    seqs[i] = seq;
    this.kinds[i] = kind;
    this.targets[i] = target;
    this.args[i] = arg;
  }

  pop(): EventTarget | undefined {
    if (this.count === 0) return undefined;
    const target = this.targets[0];
    this.poppedTimePs = this.times[0]!;
    this.poppedKind = this.kinds[0]!;
    this.poppedArg = this.args[0];
    const last = --this.count;
    if (last > 0) this.siftDownLast(last);
    this.targets[last] = undefined;
    this.args[last] = undefined;
    return target;
  }

  /** Re-inserts the event at index `last` from the root downwards. */
  private siftDownLast(last: number): void {
    const times = this.times;
    const seqs = this.seqs;
    const t = times[last]!;
    const s = seqs[last]!;
    const kind = this.kinds[last]!;
    const target = this.targets[last];
    const arg = this.args[last];
    let i = 0;
    for (;;) {
      const first = 4 * i + 1;
      if (first >= last) break;
      // The earliest of up to four children.
      let child = first;
      let ct = times[first]!;
      let cs = seqs[first]!;
      const end = Math.min(first + 4, last);
      for (let c = first + 1; c < end; c++) {
        const tc = times[c]!;
        if (tc < ct || (tc === ct && seqs[c]! < cs)) {
          child = c;
          ct = tc;
          cs = seqs[c]!;
        }
      }
      if (t < ct || (t === ct && s < cs)) break;
      this.move(child, i);
      i = child;
    }
    times[i] = t;
    seqs[i] = s;
    this.kinds[i] = kind;
    this.targets[i] = target;
    this.args[i] = arg;
  }

  private move(from: number, to: number): void {
    this.times[to] = this.times[from]!;
    this.seqs[to] = this.seqs[from]!;
    this.kinds[to] = this.kinds[from]!;
    this.targets[to] = this.targets[from];
    this.args[to] = this.args[from];
  }

  private grow(): void {
    const capacity = this.times.length * 2;
    const times = new Float64Array(capacity);
    times.set(this.times);
    const seqs = new Float64Array(capacity);
    seqs.set(this.seqs);
    const kinds = new Int32Array(capacity);
    kinds.set(this.kinds);
    this.times = times;
    this.seqs = seqs;
    this.kinds = kinds;
    this.targets.length = capacity;
    this.args.length = capacity;
  }
}
