import { grown } from '../../engine/index.js';

/**
 * Every flow's plain path (its links, each once, unit weights: every Clos and NVLink path) in
 * one growable Int32Array, by flow id: flow i's links are items[start[i] … start[i] + count[i]).
 * A path held here is no array object: at a million GPUs, 4.5 M flows alive to the end each
 * held a links array (an array and its storage), 9 M objects for the collector to mark.
 * Append-only: a flow that moves (failures) keeps its new path elsewhere.
 */
export class FlowLinks {
  items = new Int32Array(4096);
  start = new Int32Array(1024);
  count = new Uint8Array(1024);
  private used = 0;

  /** Stores `links` as flow `id`'s path. */
  set(id: number, links: readonly number[]): void {
    if (id >= this.start.length) {
      const n = Math.max(2 * this.start.length, id + 1);
      this.start = grown(this.start, n);
      this.count = grown(this.count, n);
    }
    if (this.used + links.length > this.items.length) this.items = grown(this.items, Math.max(2 * this.items.length, this.used + links.length));
    const items = this.items;
    const at = this.used;
    for (let i = 0; i < links.length; i++) items[at + i] = links[i]!;
    this.start[id] = at;
    this.count[id] = links.length;
    this.used = at + links.length;
  }

  /** Flow `id`'s links, as a new array. */
  linksOf(id: number): number[] {
    const at = this.start[id]!;
    return Array.from(this.items.subarray(at, at + this.count[id]!));
  }

  /** Copies flow `id`'s links to `into` from `at`; returns how many. */
  copyTo(id: number, into: Int32Array, at: number): number {
    const items = this.items;
    const from = this.start[id]!;
    const n = this.count[id]!;
    for (let i = 0; i < n; i++) into[at + i] = items[from + i]!;
    return n;
  }
}
