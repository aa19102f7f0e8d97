/**
 * Each link's list of flow slots (non-negative ints the owner packs its flows' slots in), all
 * in one growable Int32Array: link l's list is items[start … start + length) with start =
 * meta[l·META + START], length = meta[l·META + LENGTH]. Adding appends; removing moves the
 * last entry into the removed one's place: the same order a JS array per link would keep,
 * without an array object per link (at 100,000 GPUs the solver's scans spent most of their
 * time on cache misses reaching those objects and their storage).
 *
 * A list that outgrows its run moves to a new run of twice the capacity at the end; when
 * the array is full, every run is copied into a new one twice the size of what the runs
 * need. Capacities never shrink, so a run stops moving once its link has seen its most flows.
 *
 * A link's start, length and capacity sit in one record of META ints (64 bytes, one cache
 * line) whose other ints the owner keeps its own per-link numbers in (the solver's stamps,
 * and its doubles in the back half through a Float64Array on meta's buffer), so touching a
 * link reads one line, not one per field.
 */
export const META = 16;
export const START = 0;
export const LENGTH = 1;
const CAPACITY = 2;
/** Ints OWNER_FIRST … META − 1 of a link's record are the owner's (LinkSlots never reads or moves them; the buffer is never replaced). */
export const OWNER_FIRST = 3;

export class LinkSlots {
  /** Per link, META ints: START, LENGTH, the run's capacity, then the owner's. */
  readonly meta: Int32Array;
  private readonly links: number;
  /** Replaced when the runs are compacted (only `push` does that): do not hold it across a push. */
  items = new Int32Array(1024);
  /** items[0 … used) belong to runs (some of it left behind by runs that moved). */
  private used = 0;
  /** Sum of the runs' capacities. */
  private reserved = 0;

  constructor(links: number) {
    this.links = links;
    this.meta = new Int32Array(links * META);
  }

  /** Appends `slot` to link's list; returns its offset there (runs move, offsets do not). */
  push(link: number, slot: number): number {
    const meta = this.meta;
    const b = link * META;
    const n = meta[b + LENGTH]!;
    if (n === meta[b + CAPACITY]) this.grow(link);
    this.items[meta[b + START]! + n] = slot;
    meta[b + LENGTH] = n + 1;
    return n;
  }

  /** Removes `slot` (it must be on the list); the last entry takes its place. */
  remove(link: number, slot: number): void {
    this.removeAt(link, this.offsetOf(link, slot));
  }

  /** The offset of `slot`'s first entry on link's list (it must be there). */
  offsetOf(link: number, slot: number): number {
    const items = this.items;
    const first = this.meta[link * META + START]!;
    let i = first;
    while (items[i] !== slot) i++;
    return i - first;
  }

  /** Removes the entry at `offset` of link's list, the last entry taking its place; returns the slot now there (−1: it was the last). */
  removeAt(link: number, offset: number): number {
    const items = this.items;
    const meta = this.meta;
    const b = link * META;
    const first = meta[b + START]!;
    const last = meta[b + LENGTH]! - 1;
    meta[b + LENGTH] = last;
    if (offset === last) return -1;
    const moved = items[first + last]!;
    items[first + offset] = moved;
    return moved;
  }

  /** Moves link's run to a new one of twice its capacity (at least 4) at the end. */
  private grow(link: number): void {
    const meta = this.meta;
    const b = link * META;
    const capacity = Math.max(4, 2 * meta[b + CAPACITY]!);
    if (this.used + capacity > this.items.length) this.compact(capacity);
    const from = meta[b + START]!;
    this.items.copyWithin(this.used, from, from + meta[b + LENGTH]!);
    this.reserved += capacity - meta[b + CAPACITY]!;
    meta[b + START] = this.used;
    meta[b + CAPACITY] = capacity;
    this.used += capacity;
  }

  /** Copies every run, in link order, into an array with room for `extra` more and as much again. */
  private compact(extra: number): void {
    const items = new Int32Array(Math.max(1024, 2 * (this.reserved + extra)));
    const meta = this.meta;
    let at = 0;
    for (let link = 0; link < this.links; link++) {
      const b = link * META;
      const capacity = meta[b + CAPACITY]!;
      if (capacity === 0) continue;
      const from = meta[b + START]!;
      items.set(this.items.subarray(from, from + meta[b + LENGTH]!), at);
      meta[b + START] = at;
      at += capacity;
    }
    this.items = items;
    this.used = at;
  }
}
