import { grown } from '../engine/index.js';

/**
 * A switch's packets in transmission, by the time their last bit leaves: a packet holds
 * its buffer until then. A small binary min-heap (at most one entry per port) over typed
 * arrays, holding what the release needs by value (the packet object moves on).
 */
export class ReleaseQueue {
  private endPs: Float64Array;
  private ingress: Int32Array;
  private bytes: Int32Array;
  private count = 0;
  /** What the last `pop` removed (fields, so popping allocates nothing). */
  poppedIngress = 0;
  poppedBytes = 0;

  constructor(capacity: number) {
    this.endPs = new Float64Array(Math.max(1, capacity));
    this.ingress = new Int32Array(Math.max(1, capacity));
    this.bytes = new Int32Array(Math.max(1, capacity));
  }

  /** The earliest end time pending, or Infinity. */
  get nextEndPs(): number {
    return this.count === 0 ? Infinity : this.endPs[0]!;
  }

  push(endPs: number, ingress: number, bytes: number): void {
    if (this.count === this.endPs.length) this.grow();
    let i = this.count++;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (this.endPs[parent]! <= endPs) break;
      this.move(parent, i);
      i = parent;
    }
    this.endPs[i] = endPs;
    this.ingress[i] = ingress;
    this.bytes[i] = bytes;
  }

  /** Removes the earliest entry; its ingress and bytes are left in `poppedIngress`/`poppedBytes`. */
  pop(): void {
    this.poppedIngress = this.ingress[0]!;
    this.poppedBytes = this.bytes[0]!;
    const last = --this.count;
    if (last === 0) return;
    const t = this.endPs[last]!;
    const ing = this.ingress[last]!;
    const b = this.bytes[last]!;
    let i = 0;
    for (;;) {
      let child = 2 * i + 1;
      if (child >= last) break;
      if (child + 1 < last && this.endPs[child + 1]! < this.endPs[child]!) child++;
      if (t <= this.endPs[child]!) break;
      this.move(child, i);
      i = child;
    }
    this.endPs[i] = t;
    this.ingress[i] = ing;
    this.bytes[i] = b;
  }

  private move(from: number, to: number): void {
    this.endPs[to] = this.endPs[from]!;
    this.ingress[to] = this.ingress[from]!;
    this.bytes[to] = this.bytes[from]!;
  }

  private grow(): void {
    const n = this.endPs.length * 2;
    this.endPs = grown(this.endPs, n);
    this.ingress = grown(this.ingress, n);
    this.bytes = grown(this.bytes, n);
  }
}
