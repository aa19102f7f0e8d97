import type { FabricFlow } from '../../fabric/index.js';

/**
 * A collective's queue pairs by (from, dst) — from = channel·2^20 + source GPU — in one
 * open-addressing hash table of typed arrays: at a million GPUs the two-level Map it
 * replaces held a Map per sending GPU, 2 M objects alive to the end for the garbage
 * collector. Lookups only: which flow a key has, never an order, so results cannot depend on it.
 */
export class FlowTable {
  private fromKeys = new Float64Array(1024);
  private dstKeys = new Int32Array(1024);
  /** Per table entry, the flow's index in `flows` (−1: empty). */
  private index = new Int32Array(1024).fill(-1);
  private readonly flows: FabricFlow[] = [];

  /** The flow of (from, dst), undefined if none. */
  get(from: number, dst: number): FabricFlow | undefined {
    const mask = this.index.length - 1;
    for (let e = hashOf(from, dst) & mask; ; e = (e + 1) & mask) {
      const i = this.index[e]!;
      if (i < 0) return undefined;
      if (this.fromKeys[e] === from && this.dstKeys[e] === dst) return this.flows[i];
    }
  }

  /** Adds the flow of (from, dst), which has none. */
  set(from: number, dst: number, flow: FabricFlow): void {
    this.flows.push(flow);
    if (2 * this.flows.length > this.index.length) this.rehash(2 * this.index.length);
    this.place(from, dst, this.flows.length - 1);
  }

  private place(from: number, dst: number, i: number): void {
    const mask = this.index.length - 1;
    let e = hashOf(from, dst) & mask;
    while (this.index[e]! >= 0) e = (e + 1) & mask;
    this.fromKeys[e] = from;
    this.dstKeys[e] = dst;
    this.index[e] = i;
  }

  private rehash(size: number): void {
    const { fromKeys, dstKeys, index } = this;
    this.fromKeys = new Float64Array(size);
    this.dstKeys = new Int32Array(size);
    this.index = new Int32Array(size).fill(-1);
    for (let e = 0; e < index.length; e++) if (index[e]! >= 0) this.place(fromKeys[e]!, dstKeys[e]!, index[e]!);
  }
}

/** from < 2^32 and dst < 2^20: both halves mixed (murmur3's finalizer). */
function hashOf(from: number, dst: number): number {
  let h = Math.imul((from >>> 0) ^ Math.imul(dst, 0x9e3779b1), 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}
