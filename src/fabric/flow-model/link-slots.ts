/**
 * Each link's list of flow slots, all in one growable Int32Array: link l's list is
 * items[start[l] … start[l] + length[l]). Adding appends; removing moves the last entry into
 * the removed one's place: the same order a JS array per link would keep, without an array
 * object per link (at 100,000 GPUs the solver's scans spent most of their time on cache
 * misses reaching those objects and their storage).
 *
 * A list that outgrows its run moves to a new run of twice the capacity at the end; when
 * the array is full, every run is copied into a new one twice the size of what the runs
 * need. Capacities never shrink, so a run stops moving once its link has seen its most flows.
 */
export class LinkSlots {
  readonly start: Int32Array;
  readonly length: Int32Array;
  private readonly capacity: Int32Array;
  /** Replaced when the runs are compacted (only `push` does that): do not hold it across a push. */
  items = new Int32Array(1024);
  /** items[0 … used) belong to runs (some of it left behind by runs that moved). */
  private used = 0;
  /** Sum of the runs' capacities. */
  private reserved = 0;

  constructor(links: number) {
    this.start = new Int32Array(links);
    this.length = new Int32Array(links);
    this.capacity = new Int32Array(links);
  }

  /** Appends `slot` to link's list; returns its offset there (runs move, offsets do not). */
  push(link: number, slot: number): number {
    const n = this.length[link]!;
    if (n === this.capacity[link]) this.grow(link);
    this.items[this.start[link]! + n] = slot;
    this.length[link] = n + 1;
    return n;
  }

  /** Removes `slot` (it must be on the list); the last entry takes its place. */
  remove(link: number, slot: number): void {
    this.removeAt(link, this.offsetOf(link, slot));
  }

  /** The offset of `slot`'s first entry on link's list (it must be there). */
  offsetOf(link: number, slot: number): number {
    const items = this.items;
    const first = this.start[link]!;
    let i = first;
    while (items[i] !== slot) i++;
    return i - first;
  }

  /** Removes the entry at `offset` of link's list, the last entry taking its place; returns the slot now there (−1: it was the last). */
  removeAt(link: number, offset: number): number {
    const items = this.items;
    const first = this.start[link]!;
    const last = this.length[link]! - 1;
    this.length[link] = last;
    if (offset === last) return -1;
    const moved = items[first + last]!;
    items[first + offset] = moved;
    return moved;
  }

  /** Moves link's run to a new one of twice its capacity (at least 4) at the end. */
  private grow(link: number): void {
    const capacity = Math.max(4, 2 * this.capacity[link]!);
    if (this.used + capacity > this.items.length) this.compact(capacity);
    const from = this.start[link]!;
    this.items.copyWithin(this.used, from, from + this.length[link]!);
    this.reserved += capacity - this.capacity[link]!;
    this.start[link] = this.used;
    this.capacity[link] = capacity;
    this.used += capacity;
  }

  /** Copies every run, in link order, into an array with room for `extra` more and as much again. */
  private compact(extra: number): void {
    const items = new Int32Array(Math.max(1024, 2 * (this.reserved + extra)));
    let at = 0;
    for (let link = 0; link < this.start.length; link++) {
      const capacity = this.capacity[link]!;
      if (capacity === 0) continue;
      const from = this.start[link]!;
      items.set(this.items.subarray(from, from + this.length[link]!), at);
      this.start[link] = at;
      at += capacity;
    }
    this.items = items;
    this.used = at;
  }
}
