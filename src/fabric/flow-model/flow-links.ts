import { grown } from '../../engine/index.js';
import { FLAT_LINKS } from './max-min.js';

/** Ints per flow: its path's length, then up to FLAT_LINKS links (32 bytes: one cache line holds a whole path). */
const STRIDE = FLAT_LINKS + 1;

/**
 * Every flow's plain path (its links, each once, unit weights: every Clos and NVLink path) in
 * one growable Int32Array, by flow id: flow i's path length at items[i·STRIDE], its links
 * after it. A path held here is no array object: at a million GPUs, 4.5 M flows alive to the
 * end each held a links array (an array and its storage), 9 M objects for the collector to
 * mark. A fixed stride, not runs indexed by a start array: adding a flow to the solver read
 * the start array and the run, two cache misses, where one line now holds both.
 */
export class FlowLinks {
  items = new Int32Array(1024 * STRIDE);

  /** Stores `links` (a plain path: at most FLAT_LINKS) as flow `id`'s path, replacing the one it had. */
  set(id: number, links: readonly number[]): void {
    if (links.length > FLAT_LINKS) throw new RangeError(`flow links: a plain path has at most ${FLAT_LINKS} links, got ${links.length}`);
    if ((id + 1) * STRIDE > this.items.length) this.items = grown(this.items, Math.max(2 * this.items.length, (id + 1) * STRIDE));
    const items = this.items;
    const at = id * STRIDE;
    items[at] = links.length;
    for (let i = 0; i < links.length; i++) items[at + 1 + i] = links[i]!;
  }

  /** Flow `id`'s links, as a new array. */
  linksOf(id: number): number[] {
    const at = id * STRIDE;
    return Array.from(this.items.subarray(at + 1, at + 1 + this.items[at]!));
  }

  /** Copies flow `id`'s links to `into` from `at`; returns how many. */
  copyTo(id: number, into: Int32Array, at: number): number {
    const items = this.items;
    const from = id * STRIDE;
    const n = items[from]!;
    for (let i = 0; i < n; i++) into[at + i] = items[from + 1 + i]!;
    return n;
  }
}
