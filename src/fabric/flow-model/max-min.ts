import { LinkHeap } from './link-heap.js';

/** What the solver reads and writes of a flow. */
export interface SolverFlow {
  readonly links: readonly number[];
  /** Load on links[i] per unit of rate; null: 1 on every link. */
  readonly weights: readonly number[] | null;
  /** Max-min fair rate (Gb/s) after the last solve. */
  rate: number;
  /** The rate before the last solve that changed it (what the caller settles bytes at). */
  prevRate: number;
  /** A link where the flow is bottlenecked: saturated, and no flow on it is faster. */
  bottleneck: number;
  /** Scratch stamps (region membership, frozen, checked), owned by the solver. */
  mark: number;
  frozen: number;
  checked: number;
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
 */
export class MaxMinSolver {
  private readonly flowsOn: (SolverFlow[] | undefined)[];
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
  private readonly members: SolverFlow[] = [];
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
    this.flowsOn = new Array(links);
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
    return this.flowsOn[link] ?? [];
  }

  /**
   * Load on a link at the current rates, Gb/s, summed afresh from its flows (no running
   * total: sums of differences drift, and the textbook cases must come out exact).
   */
  loadOf(link: number): number {
    let load = 0;
    const list = this.flowsOn[link] ?? [];
    for (let i = 0; i < list.length; i++) load += weightOn(list[i]!, link) * list[i]!.rate;
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
    this.seed(link);
  }

  /** A flow starts (at rate 0 until the next solve). */
  add(f: SolverFlow): void {
    f.rate = 0;
    f.prevRate = 0;
    f.bottleneck = -1;
    const links = f.links;
    for (let i = 0; i < links.length; i++) {
      const link = links[i]!;
      let list = this.flowsOn[link];
      if (list === undefined) this.flowsOn[link] = list = [];
      list.push(f);
      this.seed(link);
    }
  }

  /** A flow ends: its capacity is freed at the next solve. */
  remove(f: SolverFlow): void {
    const links = f.links;
    for (let i = 0; i < links.length; i++) {
      const link = links[i]!;
      const list = this.flowsOn[link]!;
      const at = list.indexOf(f);
      list[at] = list[list.length - 1]!;
      list.pop();
      if (list.length === 0) this.flowsOn[link] = undefined;
      this.seed(link);
    }
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

  /**
   * `solve` without the copy: returns how many flows changed rate; they are
   * `changedFlows[0 … n)` until the next call.
   */
  solveInPlace(): number {
    const region = ++this.region;
    const members = this.members;
    const changed = this.changed;
    let count = 0;
    const seeds = this.seeds;
    for (let i = 0; i < this.seedCount; i++) {
      const list = this.flowsOn[seeds[i]!];
      if (list === undefined) continue;
      for (let j = 0; j < list.length; j++) {
        const g = list[j]!;
        if (g.mark === region) continue;
        g.mark = region;
        g.prevRate = g.rate;
        members[count++] = g;
      }
    }
    this.seedCount = 0;
    this.memberCount = count;
    this.changedCount = 0;
    if (count === 0) return 0;
    this.stats.solves++;
    for (;;) {
      this.fill();
      this.stats.passes++;
      this.stats.regionFlows += this.memberCount;
      const before = this.memberCount;
      this.addViolators();
      if (this.memberCount === before) break;
    }
    count = this.memberCount;
    if (count > this.stats.maxRegion) this.stats.maxRegion = count;
    let n = 0;
    for (let i = 0; i < count; i++) if (members[i]!.rate !== members[i]!.prevRate) changed[n++] = members[i]!;
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
    const members = this.members;
    const memberCount = this.memberCount;
    const pass = ++this.pass;
    const region = this.region;
    const { linkStamp, residual, frozenLoad, weightSum, unfrozen, heap } = this;
    const { links, regionOn } = this;
    let linkCount = 0;
    for (let j = 0; j < memberCount; j++) {
      const f = members[j]!;
      const w = f.weights;
      for (let i = 0; i < f.links.length; i++) {
        const link = f.links[i]!;
        const weight = w === null ? 1 : w[i]!;
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
      const list = this.flowsOn[link]!;
      let outside = 0;
      // unfrozen[link] counts the region's flows on the link: if that is all of them, nothing is outside.
      if (list.length !== unfrozen[link]) {
        for (let i = 0; i < list.length; i++) {
          const g = list[i]!;
          if (g.mark !== region) outside += weightOn(g, link) * g.rate;
        }
      }
      residual[link] = Math.max(0, this.capacityOf(link) - outside);
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
      const list = this.flowsOn[link]!;
      for (let j = 0; j < list.length; j++) {
        const g = list[j]!;
        if (g.mark !== region || g.frozen === pass) continue;
        g.frozen = pass;
        g.rate = level;
        g.bottleneck = link;
        const w = g.weights;
        for (let i = 0; i < g.links.length; i++) {
          const m = g.links[i]!;
          const weight = w === null ? 1 : w[i]!;
          frozenLoad[m]! += weight * level;
          weightSum[m]! -= weight;
          unfrozen[m]!--;
        }
      }
    }
  }

  /** Is `link` a bottleneck of `g`: saturated, and no flow on it faster than g? */
  private isBottleneck(g: SolverFlow, link: number): boolean {
    if (this.summaryStamp[link] !== this.check) {
      this.summaryStamp[link] = this.check;
      let load = 0;
      let max = 0;
      const list = this.flowsOn[link]!;
      for (let i = 0; i < list.length; i++) {
        const h = list[i]!;
        load += weightOn(h, link) * h.rate;
        if (h.rate > max) max = h.rate;
      }
      this.summaryLoad[link] = load;
      this.summaryMax[link] = max;
    }
    const capacity = this.capacityOf(link);
    return this.summaryMax[link]! <= g.rate * (1 + EPS) + capacity * EPS * EPS && this.summaryLoad[link]! >= capacity * (1 - EPS);
  }

  /** Outside flows the region's new rates leave without a bottleneck join it. */
  private addViolators(): void {
    const { members, links, linkCount, regionOn } = this;
    const region = this.region;
    const pass = this.pass;
    const check = ++this.check;
    const stamp = this.checkedStamp;
    // A region flow's bottleneck must not carry a faster outside flow.
    const n = this.memberCount;
    for (let k = 0; k < n; k++) {
      const b = members[k]!.bottleneck;
      if (stamp[b] === check) continue;
      stamp[b] = check;
      const rate = members[k]!.rate;
      const floor = rate * (1 + EPS) + this.capacityOf(b) * EPS * EPS;
      const list = this.flowsOn[b]!;
      for (let i = 0; i < list.length; i++) {
        const g = list[i]!;
        if (g.mark !== region && g.rate > floor) {
          g.mark = region;
          g.prevRate = g.rate;
          members[this.memberCount++] = g;
        }
      }
    }
    // An outside flow whose bottleneck the region touched must still have one.
    for (let j = 0; j < linkCount; j++) {
      const link = links[j]!;
      const list = this.flowsOn[link]!;
      // Every flow on the link in the region (as it was filled): none outside to check.
      if (list.length === regionOn[link]) continue;
      for (let i = 0; i < list.length; i++) {
        const g = list[i]!;
        if (g.mark === region || g.checked === check) continue;
        g.checked = check;
        const b = g.bottleneck;
        if (b < 0 || this.linkStamp[b] !== pass || this.isBottleneck(g, b)) continue;
        let found = -1;
        for (let k = 0; k < g.links.length; k++) {
          const m = g.links[k]!;
          if (m !== b && this.isBottleneck(g, m)) {
            found = m;
            break;
          }
        }
        if (found >= 0) g.bottleneck = found;
        else {
          g.mark = region;
          g.prevRate = g.rate;
          members[this.memberCount++] = g;
        }
      }
    }
  }
}
