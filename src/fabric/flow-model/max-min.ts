import { LinkHeap } from './link-heap.js';
import { LinkSlots } from './link-slots.js';

/** What the solver reads and writes of a flow. */
export interface SolverFlow {
  readonly links: readonly number[];
  /** Load on links[i] per unit of rate; null: 1 on every link. */
  readonly weights: readonly number[] | null;
  /** Max-min fair rate (Gb/s) after the last solve. */
  rate: number;
  /** The rate before the last solve that changed it (what the caller settles bytes at). */
  prevRate: number;
  /** The flow's index in the solver's per-flow arrays while it holds the flow (−1: not held); owned by the solver. */
  slot: number;
}

/** Each long weighted path's weight by link, built on first use (keyed by its links array: a new path, a new map). */
const weightMaps = new WeakMap<readonly number[], Map<number, number>>();

/** The load `g` puts on `link` per unit of its rate. */
function weightOn(g: SolverFlow, link: number): number {
  const w = g.weights;
  if (w === null) return 1;
  // A sprayed path under failures crosses hundreds of cables: indexOf on each would be quadratic.
  if (w.length <= 16) return w[g.links.indexOf(link)]!;
  let map = weightMaps.get(g.links);
  if (map === undefined) {
    map = new Map();
    for (let i = 0; i < w.length; i++) map.set(g.links[i]!, w[i]!);
    weightMaps.set(g.links, map);
  }
  return map.get(link)!;
}

/** Does a path cross one link twice (then its removal searches the link's list, as for a weighted path)? */
function repeatsLink(links: readonly number[]): boolean {
  for (let i = 1; i < links.length; i++) for (let j = 0; j < i; j++) if (links[i] === links[j]) return true;
  return false;
}

/** Links a flow may have to be held in the solver's flat per-slot array (longer or weighted paths are read from the flow). */
const FLAT_LINKS = 8;

/** Relative tolerance of "saturated" and "as fast as": floating point, not physics. */
const EPS = 1e-9;

/** Counters for the benchmark: how local the incremental solves stay. */
export interface SolverStats {
  solves: number;
  /** Flows re-solved in all (sum of region sizes) and progressive-filling passes. */
  regionFlows: number;
  passes: number;
  maxRegion: number;
}

/**
 * Max-min fair rates by progressive filling, kept up to date incrementally as flows come
 * and go. A solve recomputes only a region: the flows sharing a link with what changed,
 * with every other flow held at its rate. The result is then checked against the
 * bottleneck characterization of max-min fairness (an allocation is max-min fair iff every
 * flow crosses a saturated link on which no flow is faster): an outside flow on a region
 * flow's bottleneck that is faster than it, or an outside flow whose bottleneck the region
 * changed and that has no valid bottleneck left, joins the region, which is solved again.
 * When no flow is left to add, every flow has a bottleneck, so the allocation is exactly
 * the max-min fair one, usually after touching a few flows, at worst the whole component.
 *
 * Layout: each flow it holds has a slot; what the scans of a link's flows read (rate,
 * stamps, bottleneck) lives in typed arrays by slot, and each link lists its flows' slots
 * (link-slots.ts: every list in one typed array). A scan then reads a few dense arrays
 * instead of one scattered object per flow and one array object per link, which at
 * 100,000 GPUs (a million flows) was mostly cache misses; a plain path (unit weights, at
 * most FLAT_LINKS links: every Clos path) is copied into a flat array too. The flows' own
 * `rate` and `prevRate` are written when a solve ends, for the flows whose rate changed.
 * Every sum runs over the same values in the same order as the object layout did, so the
 * rates are the same to the last bit (tests/flow-solver-layout.test.ts).
 */
export class MaxMinSolver {
  /** Slots of the flows on each link, in the order they were added (a removal moves the last into its place). */
  private readonly flowsOn: LinkSlots;
  /** Each link's capacity (Gb/s), read from capacityOf once and again when capacityChanged says so. */
  private readonly capacityGbps: Float64Array;
  // Per slot: the flow, its rate and the rate before this solve (Gb/s), its bottleneck link,
  // its links when plain (flatCount > 0: the first flatCount of FLAT_LINKS entries), and
  // the scratch stamps of a solve (region membership, frozen in a pass, checked).
  private flowAt: (SolverFlow | undefined)[] = [];
  private rateOf = new Float64Array(1024);
  private prevRateOf = new Float64Array(1024);
  private bottleneckOf = new Int32Array(1024);
  private flatCount = new Uint8Array(1024);
  private flatLinks = new Int32Array(1024 * FLAT_LINKS);
  /** Where a plain path's flow sits on each of its links' lists (offsets, by path index), so removing it needs no search. */
  private flatOffsets = new Int32Array(1024 * FLAT_LINKS);
  private markOf = new Int32Array(1024);
  private frozenOf = new Int32Array(1024);
  private checkedOf = new Int32Array(1024);
  private readonly freeSlots: number[] = [];
  private slotCount = 0;
  // Per-link scratch of one progressive-filling pass, valid where linkStamp = pass.
  private readonly linkStamp: Int32Array;
  private readonly residual: Float64Array;
  private readonly frozenLoad: Float64Array;
  private readonly weightSum: Float64Array;
  private readonly unfrozen: Int32Array;
  /** Region flows on each link of the last pass (`unfrozen` before any froze). */
  private readonly regionOn: Int32Array;
  private readonly checkedStamp: Int32Array;
  /** Per check: each link's load and fastest flow, summed once (valid where summaryStamp = check). */
  private readonly summaryStamp: Int32Array;
  private readonly summaryLoad: Float64Array;
  private readonly summaryMax: Float64Array;
  private readonly heap = new LinkHeap();
  private readonly seeds: number[] = [];
  private readonly seedStamp: Int32Array;
  // Reused between solves (a million-GPU run solves millions of times), each with its own
  // count: setting an array's length to 0 drops its storage, and every solve grew it anew.
  private seedCount = 0;
  /** Slots of the region's flows. */
  private readonly members: number[] = [];
  private memberCount = 0;
  private readonly links: number[] = [];
  private linkCount = 0;
  private readonly changed: SolverFlow[] = [];
  private changedCount = 0;
  private region = 0;
  private pass = 0;
  private check = 0;
  readonly stats: SolverStats = { solves: 0, regionFlows: 0, passes: 0, maxRegion: 0 };

  constructor(
    links: number,
    private readonly capacityOf: (link: number) => number,
  ) {
    this.flowsOn = new LinkSlots(links);
    this.capacityGbps = new Float64Array(links);
    for (let link = 0; link < links; link++) this.capacityGbps[link] = capacityOf(link);
    this.seedStamp = new Int32Array(links);
    this.linkStamp = new Int32Array(links);
    this.residual = new Float64Array(links);
    this.frozenLoad = new Float64Array(links);
    this.weightSum = new Float64Array(links);
    this.unfrozen = new Int32Array(links);
    this.regionOn = new Int32Array(links);
    this.checkedStamp = new Int32Array(links);
    this.summaryStamp = new Int32Array(links);
    this.summaryLoad = new Float64Array(links);
    this.summaryMax = new Float64Array(links);
  }

  /** Flows on `link` now (for inspection and tests). */
  flowsOnLink(link: number): readonly SolverFlow[] {
    const { start, length, items } = this.flowsOn;
    return Array.from(items.subarray(start[link]!, start[link]! + length[link]!), (s) => this.flowAt[s]!);
  }

  /** How many flows are on `link` now. */
  flowCountOn(link: number): number {
    return this.flowsOn.length[link]!;
  }

  /** The load the flow in slot `s` puts on `link` per unit of its rate. */
  private weightOf(s: number, link: number): number {
    return this.flatCount[s] !== 0 ? 1 : weightOn(this.flowAt[s]!, link);
  }

  /**
   * Load on a link at the current rates, Gb/s, summed afresh from its flows (no running
   * total: sums of differences drift, and the textbook cases must come out exact).
   */
  loadOf(link: number): number {
    let load = 0;
    const { start, length, items } = this.flowsOn;
    for (let i = start[link]!, end = i + length[link]!; i < end; i++) load += this.weightOf(items[i]!, link) * this.rateOf[items[i]!]!;
    return load;
  }

  /** Is something waiting for `solve`? */
  get dirty(): boolean {
    return this.seedCount > 0;
  }

  /** Marks a link for the next solve, once. */
  private seed(link: number): void {
    if (this.seedStamp[link] === this.region + 1) return;
    this.seedStamp[link] = this.region + 1;
    this.seeds[this.seedCount++] = link;
  }

  /** A link's capacity changed (a failure): its flows are re-solved at the next solve. */
  capacityChanged(link: number): void {
    this.capacityGbps[link] = this.capacityOf(link);
    this.seed(link);
  }

  /** A slot for a new flow: a freed one, else the next (the per-slot arrays grow by doubling). */
  private takeSlot(): number {
    if (this.freeSlots.length > 0) return this.freeSlots.pop()!;
    if (this.slotCount === this.rateOf.length) {
      const n = 2 * this.rateOf.length;
      const widen = <T extends Float64Array | Int32Array | Uint8Array>(a: T, b: T): T => {
        b.set(a);
        return b;
      };
      this.rateOf = widen(this.rateOf, new Float64Array(n));
      this.prevRateOf = widen(this.prevRateOf, new Float64Array(n));
      this.bottleneckOf = widen(this.bottleneckOf, new Int32Array(n));
      this.flatCount = widen(this.flatCount, new Uint8Array(n));
      this.flatLinks = widen(this.flatLinks, new Int32Array(n * FLAT_LINKS));
      this.flatOffsets = widen(this.flatOffsets, new Int32Array(n * FLAT_LINKS));
      this.markOf = widen(this.markOf, new Int32Array(n));
      this.frozenOf = widen(this.frozenOf, new Int32Array(n));
      this.checkedOf = widen(this.checkedOf, new Int32Array(n));
    }
    return this.slotCount++;
  }

  /** A flow starts (at rate 0 until the next solve). */
  add(f: SolverFlow): void {
    // Stamps left by an earlier holder of the slot are older than any solve to come.
    const s = this.takeSlot();
    f.slot = s;
    this.flowAt[s] = f;
    f.rate = 0;
    f.prevRate = 0;
    this.rateOf[s] = 0;
    this.bottleneckOf[s] = -1;
    const links = f.links;
    const flat = f.weights === null && links.length <= FLAT_LINKS && !repeatsLink(links);
    this.flatCount[s] = flat ? links.length : 0;
    for (let i = 0; i < links.length; i++) {
      const link = links[i]!;
      const offset = this.flowsOn.push(link, s);
      if (flat) {
        this.flatLinks[s * FLAT_LINKS + i] = link;
        this.flatOffsets[s * FLAT_LINKS + i] = offset;
      }
      this.seed(link);
    }
  }

  /** A flow ends: its capacity is freed at the next solve. */
  remove(f: SolverFlow): void {
    const s = f.slot;
    const links = f.links;
    const flat = this.flatCount[s] !== 0;
    for (let i = 0; i < links.length; i++) {
      const link = links[i]!;
      // The same entry a search finds (a plain path crosses each link once), the same one moved into its place.
      const offset = flat ? this.flatOffsets[s * FLAT_LINKS + i]! : this.flowsOn.offsetOf(link, s);
      const moved = this.flowsOn.removeAt(link, offset);
      if (moved >= 0 && this.flatCount[moved] !== 0) {
        const base = moved * FLAT_LINKS;
        let k = 0;
        while (this.flatLinks[base + k] !== link) k++;
        this.flatOffsets[base + k] = offset;
      }
      this.seed(link);
    }
    this.flowAt[s] = undefined;
    this.freeSlots.push(s);
    f.slot = -1;
    f.rate = 0;
    f.prevRate = 0;
  }

  /**
   * Re-solves around everything added and removed since the last call. Returns the flows
   * whose rate changed; each keeps the rate it had in `prevRate`.
   */
  solve(): SolverFlow[] {
    return this.changed.slice(0, this.solveInPlace());
  }

  /** Slot `s` joins the region, remembering the rate it had. */
  private join(s: number): void {
    this.markOf[s] = this.region;
    this.prevRateOf[s] = this.rateOf[s]!;
    this.members[this.memberCount++] = s;
  }

  /**
   * `solve` without the copy: returns how many flows changed rate; they are
   * `changedFlows[0 … n)` until the next call.
   */
  solveInPlace(): number {
    const region = ++this.region;
    const { markOf, seeds } = this;
    this.memberCount = 0;
    const { start, length, items } = this.flowsOn;
    for (let i = 0; i < this.seedCount; i++) {
      const link = seeds[i]!;
      for (let j = start[link]!, end = j + length[link]!; j < end; j++) if (markOf[items[j]!] !== region) this.join(items[j]!);
    }
    this.seedCount = 0;
    this.changedCount = 0;
    if (this.memberCount === 0) return 0;
    this.stats.solves++;
    for (;;) {
      this.fill();
      this.stats.passes++;
      this.stats.regionFlows += this.memberCount;
      const before = this.memberCount;
      this.addViolators();
      if (this.memberCount === before) break;
    }
    const count = this.memberCount;
    if (count > this.stats.maxRegion) this.stats.maxRegion = count;
    const { members, changed, flowAt, rateOf, prevRateOf } = this;
    let n = 0;
    for (let i = 0; i < count; i++) {
      const s = members[i]!;
      if (rateOf[s] === prevRateOf[s]) continue;
      const f = flowAt[s]!;
      f.rate = rateOf[s]!;
      f.prevRate = prevRateOf[s]!;
      changed[n++] = f;
    }
    return (this.changedCount = n);
  }

  /** The flows the last `solveInPlace` changed, in its first n entries (later ones are stale). */
  get changedFlows(): readonly SolverFlow[] {
    return this.changed;
  }

  /**
   * Progressive filling of the region's flows on what the others leave: every unfrozen
   * flow runs at `level`; the link whose share is exhausted first freezes its flows there.
   * Leaves the links the region's flows cross in regionLinks[0 … linkCount).
   */
  private fill(): void {
    const { members, memberCount, flowAt, rateOf, markOf, frozenOf, bottleneckOf, flatCount, flatLinks } = this;
    const pass = ++this.pass;
    const region = this.region;
    const { linkStamp, residual, frozenLoad, weightSum, unfrozen, heap, capacityGbps } = this;
    const { links, regionOn } = this;
    // No flow is added during a solve, so the lists' array stays the same.
    const { start, length, items } = this.flowsOn;
    let linkCount = 0;
    for (let j = 0; j < memberCount; j++) {
      const s = members[j]!;
      const flat = flatCount[s]!;
      const f = flat !== 0 ? null : flowAt[s]!;
      const n = f === null ? flat : f.links.length;
      for (let i = 0; i < n; i++) {
        const link = f === null ? flatLinks[s * FLAT_LINKS + i]! : f.links[i]!;
        const weight = f === null || f.weights === null ? 1 : f.weights[i]!;
        if (linkStamp[link] !== pass) {
          linkStamp[link] = pass;
          frozenLoad[link] = 0;
          weightSum[link] = 0;
          unfrozen[link] = 0;
          links[linkCount++] = link;
        }
        weightSum[link]! += weight;
        unfrozen[link]!++;
      }
    }
    this.linkCount = linkCount;
    heap.clear();
    for (let j = 0; j < linkCount; j++) {
      const link = links[j]!;
      regionOn[link] = unfrozen[link]!;
      let outside = 0;
      // unfrozen[link] counts the region's flows on the link: if that is all of them, nothing is outside.
      if (length[link] !== unfrozen[link]) {
        for (let i = start[link]!, end = i + length[link]!; i < end; i++) {
          const s = items[i]!;
          if (markOf[s] !== region) outside += this.weightOf(s, link) * rateOf[s]!;
        }
      }
      residual[link] = Math.max(0, capacityGbps[link]! - outside);
      heap.push(residual[link]! / weightSum[link]!, link, 0);
    }
    // A link's saturation level (residual − frozen) / unfrozen weight only rises as flows
    // freeze at or below it, so keys are refreshed lazily: a popped link whose level has
    // risen goes back in the heap at its new level.
    let level = 0;
    while (heap.pop()) {
      const link = heap.poppedLink;
      if (unfrozen[link] === 0) continue;
      const key = (residual[link]! - frozenLoad[link]!) / weightSum[link]!;
      if (key > heap.poppedKey) {
        heap.push(key, link, 0);
        continue;
      }
      if (key > level) level = key;
      for (let j = start[link]!, end = j + length[link]!; j < end; j++) {
        const s = items[j]!;
        if (markOf[s] !== region || frozenOf[s] === pass) continue;
        frozenOf[s] = pass;
        rateOf[s] = level;
        bottleneckOf[s] = link;
        const flat = flatCount[s]!;
        const g = flat !== 0 ? null : flowAt[s]!;
        const n = g === null ? flat : g.links.length;
        for (let i = 0; i < n; i++) {
          const m = g === null ? flatLinks[s * FLAT_LINKS + i]! : g.links[i]!;
          const weight = g === null || g.weights === null ? 1 : g.weights[i]!;
          frozenLoad[m]! += weight * level;
          weightSum[m]! -= weight;
          unfrozen[m]!--;
        }
      }
    }
  }

  /** Is `link` a bottleneck of the flow in slot `s`: saturated, and no flow on it faster? */
  private isBottleneck(s: number, link: number): boolean {
    const rateOf = this.rateOf;
    if (this.summaryStamp[link] !== this.check) {
      this.summaryStamp[link] = this.check;
      let load = 0;
      let max = 0;
      const { start, length, items } = this.flowsOn;
      for (let i = start[link]!, end = i + length[link]!; i < end; i++) {
        const h = items[i]!;
        load += this.weightOf(h, link) * rateOf[h]!;
        if (rateOf[h]! > max) max = rateOf[h]!;
      }
      this.summaryLoad[link] = load;
      this.summaryMax[link] = max;
    }
    const capacity = this.capacityGbps[link]!;
    return this.summaryMax[link]! <= rateOf[s]! * (1 + EPS) + capacity * EPS * EPS && this.summaryLoad[link]! >= capacity * (1 - EPS);
  }

  /** Outside flows the region's new rates leave without a bottleneck join it. */
  private addViolators(): void {
    const { members, links, linkCount, regionOn, rateOf, markOf, checkedOf, bottleneckOf } = this;
    const region = this.region;
    const pass = this.pass;
    const check = ++this.check;
    const stamp = this.checkedStamp;
    const { start, length, items } = this.flowsOn;
    // A region flow's bottleneck must not carry a faster outside flow.
    const n = this.memberCount;
    for (let k = 0; k < n; k++) {
      const b = bottleneckOf[members[k]!]!;
      if (stamp[b] === check) continue;
      stamp[b] = check;
      const rate = rateOf[members[k]!]!;
      const floor = rate * (1 + EPS) + this.capacityGbps[b]! * EPS * EPS;
      for (let i = start[b]!, end = i + length[b]!; i < end; i++) {
        const s = items[i]!;
        if (markOf[s] !== region && rateOf[s]! > floor) this.join(s);
      }
    }
    // An outside flow whose bottleneck the region touched must still have one.
    for (let j = 0; j < linkCount; j++) {
      const link = links[j]!;
      // Every flow on the link in the region (as it was filled): none outside to check.
      if (length[link] === regionOn[link]) continue;
      for (let i = start[link]!, end = i + length[link]!; i < end; i++) {
        const s = items[i]!;
        if (markOf[s] === region || checkedOf[s] === check) continue;
        checkedOf[s] = check;
        const b = bottleneckOf[s]!;
        if (b < 0 || this.linkStamp[b] !== pass || this.isBottleneck(s, b)) continue;
        let found = -1;
        const flat = this.flatCount[s]!;
        const g = flat !== 0 ? null : this.flowAt[s]!;
        const count = g === null ? flat : g.links.length;
        for (let k = 0; k < count; k++) {
          const m = g === null ? this.flatLinks[s * FLAT_LINKS + k]! : g.links[k]!;
          if (m !== b && this.isBottleneck(s, m)) {
            found = m;
            break;
          }
        }
        if (found >= 0) bottleneckOf[s] = found;
        else this.join(s);
      }
    }
  }
}
