import { grown } from '../../engine/index.js';
import { LinkHeap } from './link-heap.js';
import { LENGTH, LinkSlots, META, OWNER_FIRST, START } from './link-slots.js';

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
  /**
   * A plain path's links (isPlainPath) copied to `into` from `at`, and how many; −1: not
   * plain. Lets a flow keep its path without an array (FluidFlow).
   */
  copyPlainLinks?(into: Int32Array, at: number): number;
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

/** Links a flow may have to be held in its slot's record (longer or weighted paths are read from the flow): what fits in its 64 bytes. */
export const FLAT_LINKS = 7;

/** Is a path plain — unit weights, at most FLAT_LINKS links, each once — so the solver holds it in its slot's record? */
export function isPlainPath(links: readonly number[], weights: readonly number[] | null): boolean {
  return weights === null && links.length <= FLAT_LINKS && !repeatsLink(links);
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

// A link's record is one cache line (LinkSlots.meta, META ints = 64 bytes): its list's start,
// length and run, the solver's integers (from OWNER_FIRST), then its doubles (the record's
// back half, seen as Float64Array: LINK_F per link). Adding or removing a flow and a pass of
// progressive filling each touch a link's list and its scratch: one line, not one in an
// Int32Array and one in a Float64Array.
const SEED_STAMP = OWNER_FIRST;
const PASS_STAMP = OWNER_FIRST + 1;
const UNFROZEN = OWNER_FIRST + 2;
/** Region flows on the link in the last pass (UNFROZEN before any froze). */
const REGION_ON = OWNER_FIRST + 3;
const CHECKED_STAMP = OWNER_FIRST + 4;
const LINK_F = META / 2;
/** Its capacity, and the scratch of a progressive-filling pass (double indexes in the record, after the 8 ints). */
const CAP = 4;
const RESIDUAL = 5;
const FROZEN_LOAD = 6;
const WEIGHT_SUM = 7;
// A check's summary of a link (its load and fastest flow, and the check it is valid for), in
// an array of its own: only the outside flows' check reads it.
const SUMMARY = 4;
const SUMMARY_LOAD = 0;
const SUMMARY_MAX = 1;
/** The check the summary is valid for (an integer). */
const SUMMARY_STAMP = 2;
// A slot's record, SLOT_BYTES in one buffer seen as Int32Array and Float64Array: the scratch
// stamps of a solve (region membership, frozen in a pass, checked), its bottleneck, its rate
// and its rate before this solve, then its plain path (how many links, 0: not plain, and
// the links). A scan of a link's flows reads a stamp and the rate of each, and a region
// flow's fill its links: one cache line per flow, not one in a stamps array, one in a rates
// array, one in a path array and one in a path-length array.
const SLOT_BYTES = 64;
/** Int32 index of slot s's record: s · SLOT_I; Float64: s · SLOT_F. */
const SLOT_I = SLOT_BYTES / 4;
const SLOT_F = SLOT_BYTES / 8;
const MARK = 0;
const FROZEN = 1;
const CHECKED = 2;
const BOTTLENECK = 3;
/** Float64 fields, after the four ints. */
const RATE = 2;
const PREV_RATE = 3;
/** Int32 fields after the doubles: the plain path's length (0: not plain), then its FLAT_LINKS links. */
const PATH_LENGTH = 8;
const PATH = 9;
/** Where a plain path sits on each of its links' lists (only adding and removing read it): OFFSETS ints per slot. */
const OFFSETS = 8;
// A link's list holds entries, not bare slots: slot << ENTRY_SHIFT | the link's place on the
// slot's plain path (NOT_PLAIN: none). A removal that moves another flow's entry then knows
// which of that flow's offsets to fix without reading its record (a cache miss per link).
const ENTRY_SHIFT = 3;
const NOT_PLAIN = (1 << ENTRY_SHIFT) - 1;
/** Slots the entries can tell apart. */
const MAX_SLOTS = 2 ** (31 - ENTRY_SHIFT);

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
 * stamps, bottleneck) lives in typed arrays by slot, and each link lists its flows' entries
 * (link-slots.ts: every list in one typed array). A scan then reads a few dense arrays
 * instead of one scattered object per flow and one array object per link, which at
 * 100,000 GPUs (a million flows) was mostly cache misses; a plain path (unit weights, at
 * most FLAT_LINKS links: every Clos path) is copied into the slot's record too. What one link
 * or one slot holds sits together (records, not an array per field): at a million GPUs
 * the per-field arrays are tens of MB each, and a link touched read a cache line from each.
 * The flows' own `rate` and `prevRate` are written when a solve ends, for the flows whose
 * rate changed. Every sum runs over the same values in the same order as the object layout
 * did, so the rates are the same to the last bit (tests/flow-solver-layout.test.ts).
 */
export class MaxMinSolver {
  /** Entries (slot and place, see ENTRY_SHIFT) of the flows on each link, in the order they were added (a removal moves the last into its place); the solver's per-link integers ride in its records. */
  private readonly flowsOn: LinkSlots;
  /** Per link, LINK_F doubles in its record (CAP, RESIDUAL, …); capacity read from capacityOf once and again when capacityChanged says so. */
  private readonly linkF: Float64Array;
  /** Per link, SUMMARY values (a check's summary). */
  private readonly summary: Float64Array;
  // Per slot: the flow, its record (stamps, bottleneck link, rate and the rate before this
  // solve, Gb/s, its plain path: slotI and slotF over one buffer), and a plain path's
  // offsets in its links' lists.
  private flowAt: (SolverFlow | undefined)[] = [];
  private slotI = new Int32Array(SLOT_I * 1024);
  /** The same records as slotI, as doubles (its rates); a new view whenever slotI grows. */
  private slotF = new Float64Array(this.slotI.buffer);
  private offsets = new Int32Array(1024 * OFFSETS);
  private readonly freeSlots: number[] = [];
  private slotCount = 0;
  private readonly heap = new LinkHeap();
  private readonly seeds: number[] = [];
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
    this.linkF = new Float64Array(this.flowsOn.meta.buffer);
    this.summary = new Float64Array(links * SUMMARY);
    for (let link = 0; link < links; link++) this.linkF[link * LINK_F + CAP] = capacityOf(link);
  }

  /** Flows on `link` now (for inspection and tests). */
  flowsOnLink(link: number): readonly SolverFlow[] {
    const { meta, items } = this.flowsOn;
    const first = meta[link * META + START]!;
    return Array.from(items.subarray(first, first + meta[link * META + LENGTH]!), (entry) => this.flowAt[entry >> ENTRY_SHIFT]!);
  }

  /** How many flows are on `link` now. */
  flowCountOn(link: number): number {
    return this.flowsOn.meta[link * META + LENGTH]!;
  }

  /** The load the flow in slot `s` puts on `link` per unit of its rate. */
  private weightOf(s: number, link: number): number {
    return this.slotI[s * SLOT_I + PATH_LENGTH] !== 0 ? 1 : weightOn(this.flowAt[s]!, link);
  }

  /**
   * Load on a link at the current rates, Gb/s, summed afresh from its flows (no running
   * total: sums of differences drift, and the textbook cases must come out exact).
   */
  loadOf(link: number): number {
    let load = 0;
    const { meta, items } = this.flowsOn;
    const b = link * META;
    for (let i = meta[b + START]!, end = i + meta[b + LENGTH]!; i < end; i++) {
      const s = items[i]! >> ENTRY_SHIFT;
      load += this.weightOf(s, link) * this.slotF[s * SLOT_F + RATE]!;
    }
    return load;
  }

  /** Is something waiting for `solve`? */
  get dirty(): boolean {
    return this.seedCount > 0;
  }

  /** Marks a link for the next solve, once. */
  private seed(link: number): void {
    const meta = this.flowsOn.meta;
    if (meta[link * META + SEED_STAMP] === this.region + 1) return;
    meta[link * META + SEED_STAMP] = this.region + 1;
    this.seeds[this.seedCount++] = link;
  }

  /** A link's capacity changed (a failure): its flows are re-solved at the next solve. */
  capacityChanged(link: number): void {
    this.linkF[link * LINK_F + CAP] = this.capacityOf(link);
    this.seed(link);
  }

  /** A slot for a new flow: a freed one, else the next (the per-slot arrays grow by doubling). */
  private takeSlot(): number {
    if (this.freeSlots.length > 0) return this.freeSlots.pop()!;
    if (SLOT_I * this.slotCount === this.slotI.length) {
      const n = 2 * this.slotCount;
      if (n > MAX_SLOTS) throw new RangeError(`max-min solver: more than ${MAX_SLOTS} flows at once`);
      this.slotI = grown(this.slotI, SLOT_I * n);
      this.slotF = new Float64Array(this.slotI.buffer);
      this.offsets = grown(this.offsets, n * OFFSETS);
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
    this.slotF[s * SLOT_F + RATE] = 0;
    this.slotI[s * SLOT_I + BOTTLENECK] = -1;
    const slotI = this.slotI;
    const path = s * SLOT_I + PATH;
    const at = s * OFFSETS;
    // A path the flow copies out is plain: the same links, in the same order, as its array would give.
    const plain = f.copyPlainLinks === undefined ? -1 : f.copyPlainLinks(slotI, path);
    if (plain >= 0) {
      slotI[s * SLOT_I + PATH_LENGTH] = plain;
      for (let i = 0; i < plain; i++) {
        const link = slotI[path + i]!;
        this.offsets[at + i] = this.flowsOn.push(link, (s << ENTRY_SHIFT) | i);
        this.seed(link);
      }
      return;
    }
    const links = f.links;
    const flat = isPlainPath(links, f.weights);
    slotI[s * SLOT_I + PATH_LENGTH] = flat ? links.length : 0;
    for (let i = 0; i < links.length; i++) {
      const link = links[i]!;
      const offset = this.flowsOn.push(link, (s << ENTRY_SHIFT) | (flat ? i : NOT_PLAIN));
      if (flat) {
        slotI[path + i] = link;
        this.offsets[at + i] = offset;
      }
      this.seed(link);
    }
  }

  /** A flow ends: its capacity is freed at the next solve. */
  remove(f: SolverFlow): void {
    const s = f.slot;
    const { slotI, offsets } = this;
    const pathLength = slotI[s * SLOT_I + PATH_LENGTH]!;
    const flat = pathLength !== 0;
    // A plain path is read from the slot's own copy (the flow's array is one more cache miss).
    const links = flat ? null : f.links;
    const n = flat ? pathLength : links!.length;
    for (let i = 0; i < n; i++) {
      const link = links === null ? slotI[s * SLOT_I + PATH + i]! : links[i]!;
      // The same entry a search finds (a plain path crosses each link once), the same one moved into its place.
      const offset = flat ? offsets[s * OFFSETS + i]! : this.flowsOn.offsetOf(link, (s << ENTRY_SHIFT) | NOT_PLAIN);
      const moved = this.flowsOn.removeAt(link, offset);
      if (moved >= 0 && (moved & NOT_PLAIN) !== NOT_PLAIN) offsets[(moved >> ENTRY_SHIFT) * OFFSETS + (moved & NOT_PLAIN)] = offset;
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
    this.slotI[s * SLOT_I + MARK] = this.region;
    this.slotF[s * SLOT_F + PREV_RATE] = this.slotF[s * SLOT_F + RATE]!;
    this.members[this.memberCount++] = s;
  }

  /**
   * `solve` without the copy: returns how many flows changed rate; they are
   * `changedFlows[0 … n)` until the next call.
   */
  solveInPlace(): number {
    const region = ++this.region;
    const { slotI, seeds } = this;
    this.memberCount = 0;
    const { meta, items } = this.flowsOn;
    for (let i = 0; i < this.seedCount; i++) {
      const b = seeds[i]! * META;
      for (let j = meta[b + START]!, end = j + meta[b + LENGTH]!; j < end; j++) {
        const s = items[j]! >> ENTRY_SHIFT;
        if (slotI[s * SLOT_I + MARK] !== region) this.join(s);
      }
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
    const { members, changed, flowAt, slotF } = this;
    let n = 0;
    for (let i = 0; i < count; i++) {
      const s = members[i]!;
      if (slotF[s * SLOT_F + RATE] === slotF[s * SLOT_F + PREV_RATE]) continue;
      const f = flowAt[s]!;
      f.rate = slotF[s * SLOT_F + RATE]!;
      f.prevRate = slotF[s * SLOT_F + PREV_RATE]!;
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
    const { members, memberCount, flowAt, slotF, slotI, linkF, heap, links } = this;
    const pass = ++this.pass;
    const region = this.region;
    // No flow is added during a solve, so the lists' array stays the same.
    const { meta, items } = this.flowsOn;
    let linkCount = 0;
    for (let j = 0; j < memberCount; j++) {
      const s = members[j]!;
      const flat = slotI[s * SLOT_I + PATH_LENGTH]!;
      const f = flat !== 0 ? null : flowAt[s]!;
      const n = f === null ? flat : f.links.length;
      for (let i = 0; i < n; i++) {
        const link = f === null ? slotI[s * SLOT_I + PATH + i]! : f.links[i]!;
        const weight = f === null || f.weights === null ? 1 : f.weights[i]!;
        const b = link * META;
        const d = link * LINK_F;
        if (meta[b + PASS_STAMP] !== pass) {
          meta[b + PASS_STAMP] = pass;
          linkF[d + FROZEN_LOAD] = 0;
          linkF[d + WEIGHT_SUM] = 0;
          meta[b + UNFROZEN] = 0;
          links[linkCount++] = link;
        }
        linkF[d + WEIGHT_SUM]! += weight;
        meta[b + UNFROZEN]!++;
      }
    }
    this.linkCount = linkCount;
    heap.clear();
    for (let j = 0; j < linkCount; j++) {
      const link = links[j]!;
      const b = link * META;
      const d = link * LINK_F;
      const length = meta[b + LENGTH]!;
      meta[b + REGION_ON] = meta[b + UNFROZEN]!;
      let outside = 0;
      // UNFROZEN counts the region's flows on the link: if that is all of them, nothing is outside.
      if (length !== meta[b + UNFROZEN]) {
        for (let i = meta[b + START]!, end = i + length; i < end; i++) {
          const s = items[i]! >> ENTRY_SHIFT;
          if (slotI[s * SLOT_I + MARK] !== region) outside += this.weightOf(s, link) * slotF[s * SLOT_F + RATE]!;
        }
      }
      const residual = Math.max(0, linkF[d + CAP]! - outside);
      linkF[d + RESIDUAL] = residual;
      heap.push(residual / linkF[d + WEIGHT_SUM]!, link);
    }
    // A link's saturation level (residual − frozen) / unfrozen weight only rises as flows
    // freeze at or below it, so keys are refreshed lazily: a popped link whose level has
    // risen goes back in the heap at its new level.
    let level = 0;
    while (heap.pop()) {
      const link = heap.poppedLink;
      const b = link * META;
      if (meta[b + UNFROZEN] === 0) continue;
      const d = link * LINK_F;
      const key = (linkF[d + RESIDUAL]! - linkF[d + FROZEN_LOAD]!) / linkF[d + WEIGHT_SUM]!;
      if (key > heap.poppedKey) {
        heap.push(key, link);
        continue;
      }
      if (key > level) level = key;
      for (let j = meta[b + START]!, end = j + meta[b + LENGTH]!; j < end; j++) {
        const s = items[j]! >> ENTRY_SHIFT;
        const r = s * SLOT_I;
        if (slotI[r + MARK] !== region || slotI[r + FROZEN] === pass) continue;
        slotI[r + FROZEN] = pass;
        slotF[s * SLOT_F + RATE] = level;
        slotI[r + BOTTLENECK] = link;
        const flat = slotI[r + PATH_LENGTH]!;
        const g = flat !== 0 ? null : flowAt[s]!;
        const n = g === null ? flat : g.links.length;
        for (let i = 0; i < n; i++) {
          const m = g === null ? slotI[r + PATH + i]! : g.links[i]!;
          const weight = g === null || g.weights === null ? 1 : g.weights[i]!;
          linkF[m * LINK_F + FROZEN_LOAD]! += weight * level;
          linkF[m * LINK_F + WEIGHT_SUM]! -= weight;
          meta[m * META + UNFROZEN]!--;
        }
      }
    }
  }

  /** Is `link` a bottleneck of the flow in slot `s`: saturated, and no flow on it faster? */
  private isBottleneck(s: number, link: number): boolean {
    const { slotF, linkF, summary } = this;
    const c = link * SUMMARY;
    if (summary[c + SUMMARY_STAMP] !== this.check) {
      summary[c + SUMMARY_STAMP] = this.check;
      let load = 0;
      let max = 0;
      const { meta, items } = this.flowsOn;
      const b = link * META;
      for (let i = meta[b + START]!, end = i + meta[b + LENGTH]!; i < end; i++) {
        const h = items[i]! >> ENTRY_SHIFT;
        load += this.weightOf(h, link) * slotF[h * SLOT_F + RATE]!;
        if (slotF[h * SLOT_F + RATE]! > max) max = slotF[h * SLOT_F + RATE]!;
      }
      summary[c + SUMMARY_LOAD] = load;
      summary[c + SUMMARY_MAX] = max;
    }
    const capacity = linkF[link * LINK_F + CAP]!;
    return summary[c + SUMMARY_MAX]! <= slotF[s * SLOT_F + RATE]! * (1 + EPS) + capacity * EPS * EPS && summary[c + SUMMARY_LOAD]! >= capacity * (1 - EPS);
  }

  /** Outside flows the region's new rates leave without a bottleneck join it. */
  private addViolators(): void {
    const { members, links, linkCount, slotF, slotI, linkF } = this;
    const region = this.region;
    const pass = this.pass;
    const check = ++this.check;
    const { meta, items } = this.flowsOn;
    // A region flow's bottleneck must not carry a faster outside flow.
    const n = this.memberCount;
    for (let k = 0; k < n; k++) {
      const bn = slotI[members[k]! * SLOT_I + BOTTLENECK]!;
      const b = bn * META;
      if (meta[b + CHECKED_STAMP] === check) continue;
      meta[b + CHECKED_STAMP] = check;
      const rate = slotF[members[k]! * SLOT_F + RATE]!;
      const floor = rate * (1 + EPS) + linkF[bn * LINK_F + CAP]! * EPS * EPS;
      for (let i = meta[b + START]!, end = i + meta[b + LENGTH]!; i < end; i++) {
        const s = items[i]! >> ENTRY_SHIFT;
        if (slotI[s * SLOT_I + MARK] !== region && slotF[s * SLOT_F + RATE]! > floor) this.join(s);
      }
    }
    // An outside flow whose bottleneck the region touched must still have one.
    for (let j = 0; j < linkCount; j++) {
      const link = links[j]!;
      const b = link * META;
      // Every flow on the link in the region (as it was filled): none outside to check.
      if (meta[b + LENGTH] === meta[b + REGION_ON]) continue;
      for (let i = meta[b + START]!, end = i + meta[b + LENGTH]!; i < end; i++) {
        const s = items[i]! >> ENTRY_SHIFT;
        const r = s * SLOT_I;
        if (slotI[r + MARK] === region || slotI[r + CHECKED] === check) continue;
        slotI[r + CHECKED] = check;
        const bn = slotI[r + BOTTLENECK]!;
        if (bn < 0 || meta[bn * META + PASS_STAMP] !== pass || this.isBottleneck(s, bn)) continue;
        let found = -1;
        const flat = slotI[r + PATH_LENGTH]!;
        const g = flat !== 0 ? null : this.flowAt[s]!;
        const count = g === null ? flat : g.links.length;
        for (let k = 0; k < count; k++) {
          const m = g === null ? slotI[r + PATH + k]! : g.links[k]!;
          if (m !== bn && this.isBottleneck(s, m)) {
            found = m;
            break;
          }
        }
        if (found >= 0) slotI[r + BOTTLENECK] = found;
        else this.join(s);
      }
    }
  }
}
