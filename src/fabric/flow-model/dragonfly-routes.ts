import { rngStream, type Rng } from '../../engine/index.js';
import { MINIMAL, type DragonflyShape } from '../topology/index.js';
import { DragonflyLinks } from './dragonfly-links.js';
import type { FlowRoutes } from './flow-routes.js';
import type { FlowPath } from './paths.js';

/** Links a flow loads with their weights, and its expected hops and propagation. */
class Spread {
  readonly load = new Map<number, number>();
  hops = 0;
  propagationPs = 0;

  add(link: number, weight: number): void {
    this.load.set(link, (this.load.get(link) ?? 0) + weight);
  }
}

/**
 * Flow routes on a dragonfly, the loads the packet model's routing puts on average:
 * `minimal` (and any routing but valiant and ugal) splits a flow evenly over the minimal
 * candidates at every router, as per-packet random choice does; `valiant` splits it evenly
 * over every intermediate group too (exact in expectation); `ugal` picks, once, at flow
 * start, minimal or one random intermediate group by the loads then: flows on the busiest
 * router-to-router link of each path × its hops (UGAL-L's queue × hops, with flows for
 * queues; its byte threshold has no flow-model counterpart).
 */
export class DragonflyRoutes implements FlowRoutes {
  readonly links: DragonflyLinks;
  private readonly rng: Rng;

  constructor(
    readonly shape: DragonflyShape,
    private readonly routing: string,
    seed: number,
  ) {
    this.links = new DragonflyLinks(shape);
    this.rng = rngStream(seed, 'flow-model/ugal');
  }

  get count(): number {
    return this.links.count;
  }

  capacityGbps(link: number): number {
    return this.links.capacityGbps(link);
  }

  route(src: number, dst: number, _hash: number, loadOf: (link: number) => number): FlowPath {
    const s = this.shape;
    const Rs = s.routerOf(src);
    const Rd = s.routerOf(dst);
    const gs = s.groupOf(Rs);
    const gd = s.groupOf(Rd);
    const detours = gs !== gd && s.groups >= 3;
    let spread: Spread;
    if (detours && this.routing === 'valiant') {
      spread = new Spread();
      const w = 1 / (s.groups - 2);
      for (let g = 0; g < s.groups; g++) if (g !== gs && g !== gd) this.walk(spread, Rs, Rd, g, w, 0, 0);
    } else if (detours && this.routing === 'ugal') {
      let via = this.rng.int(s.groups - 2);
      if (via >= Math.min(gs, gd)) via++;
      if (via >= Math.max(gs, gd)) via++;
      const straight = this.spreadOf(Rs, Rd, MINIMAL);
      const detour = this.spreadOf(Rs, Rd, via);
      spread = this.busiest(straight, loadOf) * straight.hops > this.busiest(detour, loadOf) * detour.hops ? detour : straight;
    } else spread = this.spreadOf(Rs, Rd, MINIMAL);
    const links = [this.links.hostUp + src, ...spread.load.keys(), this.links.hostDown + dst];
    const weights = [1, ...spread.load.values(), 1];
    const hops = Math.round(spread.hops) + 2;
    const propagationPs = spread.propagationPs + 2 * s.hostDelayPs;
    return {
      links,
      weights: weights.every((w) => Math.abs(w - 1) < 1e-12) ? null : weights,
      hops,
      gbps: s.linkGbps,
      delayPs: Math.round(propagationPs / hops),
      nvlink: false,
    };
  }

  private spreadOf(R: number, D: number, via: number): Spread {
    const spread = new Spread();
    this.walk(spread, R, D, via, 1, 0, 0);
    return spread;
  }

  /** Flows on the busiest router-to-router link of a spread. */
  private busiest(spread: Spread, loadOf: (link: number) => number): number {
    let most = 0;
    for (const link of spread.load.keys()) most = Math.max(most, loadOf(link));
    return most;
  }

  /** Follows the packet model's route from router R to router D (through group `via` first), splitting weight `w` evenly over candidates. */
  private walk(spread: Spread, R: number, D: number, via: number, w: number, hops: number, propagationPs: number): void {
    const s = this.shape;
    if (R === D) {
      spread.hops += w * hops;
      spread.propagationPs += w * propagationPs;
      return;
    }
    const G = s.groupOf(R);
    const gd = s.groupOf(D);
    if (G === gd) {
      spread.add(this.links.local(R, D), w);
      return this.walk(spread, D, D, via, w, hops + 1, propagationPs + s.localDelayPs);
    }
    const T = via >= 0 && via !== G ? via : gd;
    const own: number[] = [];
    const owners: number[] = [];
    for (let k = 0; k < s.links.perPair; k++) {
      const j = s.links.portTo(G, T, k);
      const o = s.owner(G, j);
      if (o === R) own.push(j);
      else if (!owners.includes(o)) owners.push(o);
    }
    if (own.length > 0) {
      for (const j of own) {
        spread.add(this.links.global(R, j), w / own.length);
        this.walk(spread, s.peerRouter(G, j), D, via, w / own.length, hops + 1, propagationPs + s.globalDelayPs);
      }
      return;
    }
    for (const o of owners) {
      spread.add(this.links.local(R, o), w / owners.length);
      this.walk(spread, o, D, via, w / owners.length, hops + 1, propagationPs + s.localDelayPs);
    }
  }
}
