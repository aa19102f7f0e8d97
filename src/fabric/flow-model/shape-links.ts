import { seed32 } from '../../engine/index.js';
import { mix32 } from '../hash.js';
import type { FlowPaths } from '../routing/routing-policy.js';
import { rangeCount, rangeFirst, type SwitchLayout, type TopologyShape } from '../topology/index.js';
import type { FlowRoutes } from './flow-routes.js';
import type { FlowPath } from './paths.js';

/**
 * The flow model's links of any topology shape that is not a Clos (a graph from a file),
 * indexed by the shape's own cables: GPU h → its switch (h), its switch → GPU h (H + h), then
 * per cable c of forEachCable a → b (2H + 2c) and b → a (2H + 2c + 1). A flow's route walks
 * the switches' own route functions, so it goes where the packet model's switches send it.
 */
export class ShapeLinks {
  readonly count: number;
  private readonly capacity: Float64Array;
  private readonly delayPs: Float64Array;
  private readonly layouts: SwitchLayout[];
  private readonly salts: Int32Array;
  /** Per switch, per port: the link it sends on, and the switch it leads to (−1: a host). */
  private readonly egress: Int32Array[];
  private readonly next: Int32Array[];

  constructor(
    private readonly shape: TopologyShape,
    seed: number,
  ) {
    if (shape.nvlink !== null) throw new Error('flow model: a non-Clos shape with an NVLink domain is not supported');
    const H = shape.gpus;
    this.layouts = shape.switches();
    // The packet builder's salts: seed32(seed, name) per switch.
    this.salts = Int32Array.from(this.layouts, (s) => seed32(seed, s.name));
    this.egress = this.layouts.map((s) => new Int32Array(s.downPorts + s.upPorts).fill(-1));
    this.next = this.layouts.map((s) => new Int32Array(s.downPorts + s.upPorts).fill(-1));
    const cables: [number, number, number, number, number][] = [];
    shape.forEachCable((a, aPort, b, bPort, delayPs = shape.linkDelayPs) => cables.push([a, aPort, b, bPort, delayPs]));
    this.count = 2 * H + 2 * cables.length;
    this.capacity = new Float64Array(this.count);
    this.delayPs = new Float64Array(this.count);
    for (let h = 0; h < H; h++) {
      const { gbps, delayPs } = shape.hostLink?.(h) ?? { gbps: shape.linkGbps, delayPs: shape.linkDelayPs };
      this.capacity[h] = this.capacity[H + h] = gbps;
      this.delayPs[h] = this.delayPs[H + h] = delayPs;
      this.egress[shape.hostSwitch(h)]![shape.hostSlot(h)] = H + h;
    }
    const rate = (s: number, port: number) => this.layouts[s]!.portGbps?.[port] ?? this.layouts[s]!.gbps;
    cables.forEach(([a, aPort, b, bPort, delayPs], c) => {
      const ab = 2 * H + 2 * c;
      this.capacity[ab] = this.capacity[ab + 1] = Math.min(rate(a, aPort), rate(b, bPort));
      this.delayPs[ab] = this.delayPs[ab + 1] = delayPs;
      this.egress[a]![aPort] = ab;
      this.next[a]![aPort] = b;
      this.egress[b]![bPort] = ab + 1;
      this.next[b]![bPort] = a;
    });
  }

  capacityGbps(link: number): number {
    return this.capacity[link]!;
  }

  /** Switch s's equal-cost egress ports towards `dst`, in the packet model's candidate order. */
  private candidates(s: number, dst: number): readonly number[] | { first: number; count: number } {
    const layout = this.layouts[s]!;
    const r = layout.route(dst);
    const count = rangeCount(r);
    if (count > 0) return { first: rangeFirst(r), count };
    const set = rangeFirst(r) === 0 ? undefined : layout.portSets?.[rangeFirst(r) - 1];
    if (set === undefined) throw new Error(`flow model: switch ${layout.name} has no route to GPU ${dst}`);
    return set;
  }

  private port(c: readonly number[] | { first: number; count: number }, k: number): number {
    return Array.isArray(c) ? c[k]! : (c as { first: number }).first + k;
  }

  private size(c: readonly number[] | { first: number; count: number }): number {
    return Array.isArray(c) ? c.length : (c as { count: number }).count;
  }

  /** The one path the packet model's ECMP hashes a flow onto: mix32(hash ^ salt) mod candidates at every switch. */
  private onePath(src: number, dst: number, hash: number): number[] {
    const links = [src];
    let s = this.shape.hostSwitch(src);
    for (let hop = 0; hop <= this.shape.maxHops; hop++) {
      const c = this.candidates(s, dst);
      const n = this.size(c);
      const port = this.port(c, n === 1 ? 0 : mix32(hash ^ this.salts[s]!) % n);
      links.push(this.egress[s]![port]!);
      s = this.next[s]![port]!;
      if (s < 0) return links;
    }
    throw new Error(`flow model: no path from GPU ${src} to GPU ${dst} within ${this.shape.maxHops} hops`);
  }

  /**
   * Even split over the routes' DAG, as per-hop uniform choice (spraying) loads it on
   * average: each switch passes its share of the flow on equally over its candidates.
   * Candidates lead one hop closer, so every switch is reached at one depth only.
   */
  private evenSplit(src: number, dst: number): { links: number[]; weights: number[] } {
    const load = new Map<number, number>([[src, 1]]);
    let level = new Map<number, number>([[this.shape.hostSwitch(src), 1]]);
    for (let hop = 0; level.size > 0; hop++) {
      if (hop > this.shape.maxHops) throw new Error(`flow model: no path from GPU ${src} to GPU ${dst} within ${this.shape.maxHops} hops`);
      const nextLevel = new Map<number, number>();
      for (const [s, share] of level) {
        const c = this.candidates(s, dst);
        const n = this.size(c);
        for (let k = 0; k < n; k++) {
          const port = this.port(c, k);
          const link = this.egress[s]![port]!;
          load.set(link, (load.get(link) ?? 0) + share / n);
          const t = this.next[s]![port]!;
          if (t >= 0) nextLevel.set(t, (nextLevel.get(t) ?? 0) + share / n);
        }
      }
      level = nextLevel;
    }
    return { links: [...load.keys()], weights: [...load.values()] };
  }

  route(paths: FlowPaths, src: number, dst: number, hash: number): FlowPath {
    const one = this.onePath(src, dst, hash);
    // Latency along the hashed path (an even split's paths are all shortest; their rates may differ).
    const hopGbps = one.map((l) => this.capacity[l]!);
    const delaySumPs = one.reduce((sum, l) => sum + this.delayPs[l]!, 0);
    const base = { hops: one.length, gbps: hopGbps[0]!, delayPs: delaySumPs / one.length, nvlink: false, perHop: { hopGbps, delaySumPs } };
    if (paths === 'one-path') return { links: one, weights: null, ...base };
    return { ...this.evenSplit(src, dst), ...base };
  }
}

/** A non-Clos shape's links as the flow network routes over them, each flow as the routing module declares (one path or an even split). */
export class ShapeRoutes implements FlowRoutes {
  private readonly links: ShapeLinks;

  constructor(
    shape: TopologyShape,
    seed: number,
    private readonly paths: FlowPaths,
  ) {
    this.links = new ShapeLinks(shape, seed);
  }

  get count(): number {
    return this.links.count;
  }

  capacityGbps(link: number): number {
    return this.links.capacityGbps(link);
  }

  route(src: number, dst: number, hash: number): FlowPath {
    return this.links.route(this.paths, src, dst, hash);
  }
}
