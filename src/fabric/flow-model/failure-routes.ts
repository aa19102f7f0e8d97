import { mix32 } from '../hash.js';
import type { FlowPaths } from '../routing/routing-policy.js';
import type { LinkGraph } from './link-graph.js';
import { routeOf, type FlowPath } from './paths.js';

/** How far down a chain of switches routing looks for a failure routed around (routing-policy.ts's MAX_ONWARD_HOPS). */
const MAX_ONWARD_HOPS = 4;

/**
 * Routes of the flow model while links fail, on a graph of single cables (not aggregated),
 * taking the packet switches' decisions hop by hop: the equal-cost candidates of the switch
 * at the head of each link (the same ranges, order and salts as the packet model), and
 * routing-policy.ts's `routable` on them: a policy that reads port state (`immediate`:
 * spray, adaptive) skips a locally dead link at once; ECMP-family routing only once it has
 * reconverged (`routeDown`), and from the first reconvergence on (`checkOnward`) only a
 * next hop that still has a way on. `one-path` follows ECMP's hash (a dead candidate's
 * flows re-hash among the routable ones, h mod their count); `even-split` spreads a flow
 * evenly over the routable candidates at every switch (weights 1/n, compounded). With no
 * routable candidate a switch keeps them all, as the packet policies do: the flow then
 * crosses a dead link and stalls (its capacity is 0).
 */
export class FailureRoutes {
  /** The cable is down now (the flow model gives it capacity 0). */
  readonly down: Uint8Array;
  /** What ECMP-family routing has learnt: `down`, as of the last reconvergence. */
  readonly routeDown: Uint8Array;
  checkOnward = false;
  private readonly U: number;
  /** What `onward` found: candidates first … first + count − 1, and the deciding switch's salt (no tuple per hop). */
  private first = 0;
  private count = 0;
  private salt = 0;

  constructor(
    readonly g: LinkGraph,
    readonly paths: FlowPaths,
    readonly immediate: boolean,
  ) {
    if (g.aggregated) throw new Error('failure routes need a link graph of single cables');
    this.down = new Uint8Array(g.count);
    this.routeDown = new Uint8Array(g.count);
    this.U = g.leafUplinks;
  }

  /**
   * The equal-cost links out of the switch at the head of `link` towards `dst`, into
   * first, count and salt; count 0: the head is a GPU. Candidates are always consecutive
   * links (the link graph numbers cables in the order of the switches' ports).
   */
  private onward(link: number, dst: number): void {
    const g = this.g;
    const L = g.layout;
    const { U } = this;
    const S = L.spinesPerPod;
    const C = L.coresPerPlane;
    if (link < g.hostDown) return this.fromLeaf(L.leafOf(link - g.hostUp), dst);
    if (link < g.leafUp) return this.found(0, 0, 0);
    if (link < g.leafDown) {
      const i = link - g.leafUp;
      const l = Math.floor(i / U);
      return this.fromSpine(Math.floor(l / L.leavesPerPod), Math.floor((i % U) / L.parallel), dst);
    }
    if (link < g.spineUp) return this.fromLeaf(Math.floor((link - g.leafDown) / U), dst);
    if (link < g.spineDown) {
      const i = link - g.spineUp;
      const s = Math.floor(i / C) % S;
      const pb = Math.floor(L.leafOf(dst) / L.leavesPerPod);
      return this.found(g.spineDown + (pb * S + s) * C + (i % C), 1, 0);
    }
    const ps = Math.floor((link - g.spineDown) / C);
    return this.fromSpine(Math.floor(ps / S), ps % S, dst);
  }

  private found(first: number, count: number, salt: number): void {
    this.first = first;
    this.count = count;
    this.salt = salt;
  }

  private fromLeaf(l: number, dst: number): void {
    const g = this.g;
    if (g.layout.leafOf(dst) === l) return this.found(g.hostDown + dst, 1, 0);
    this.found(g.leafUp + l * this.U, this.U, g.layout.leafSalt(l));
  }

  private fromSpine(p: number, s: number, dst: number): void {
    const g = this.g;
    const L = g.layout;
    const lb = L.leafOf(dst);
    const salt = L.spineSalt(p, s);
    if (Math.floor(lb / L.leavesPerPod) === p) return this.found(g.leafDown + lb * this.U + s * L.parallel, L.parallel, salt);
    this.found(g.spineUp + (p * L.spinesPerPod + s) * L.coresPerPlane, L.coresPerPlane, salt);
  }

  /** routing-policy.ts's `routable` on the link graph. */
  routable(link: number, dst: number): boolean {
    if ((this.immediate ? this.down : this.routeDown)[link]) return false;
    return !this.checkOnward || this.reachesOnward(link, dst, 1);
  }

  private reachesOnward(link: number, dst: number, hops: number): boolean {
    if (hops > MAX_ONWARD_HOPS) return true;
    this.onward(link, dst);
    const { first, count } = this;
    if (count === 0) return true;
    for (let p = first; p < first + count; p++) if (!this.routeDown[p] && (!this.checkOnward || this.reachesOnward(p, dst, hops + 1))) return true;
    return false;
  }

  /** The route of a flow from `src` to `dst` with 5-tuple hash `hash` in the fabric's current state. */
  route(src: number, dst: number, hash: number): FlowPath {
    const g = this.g;
    const L = g.layout;
    // GPUs of one server talk over their NVLink, which does not fail.
    if (L.nvlink !== null && L.shape.sameNode(src, dst)) return routeOf(g, 'one-path', src, dst, hash);
    const base = { hops: L.shape.hops(src, dst), gbps: L.linkGbps, delayPs: L.linkDelayPs, nvlink: false };
    if (this.paths === 'one-path') return { links: this.onePath(src, dst, hash), weights: null, ...base };
    const load = new Map<number, number>();
    this.split(g.hostUp + src, dst, 1, load);
    const links = [...load.keys()];
    const weights = [...load.values()];
    return { links, weights: weights.every((w) => w === 1) ? null : weights, ...base };
  }

  /** ECMP's choice at every switch (ecmp.ts): hash mod candidates; a dead one's flows re-hash among the routable. */
  private onePath(src: number, dst: number, hash: number): number[] {
    let link = this.g.hostUp + src;
    const links = [link];
    for (;;) {
      this.onward(link, dst);
      const { first, count, salt } = this;
      if (count === 0) return links;
      link = first;
      if (count > 1) {
        const h = mix32(hash ^ salt);
        link = first + (h % count);
        if (!this.routable(link, dst)) {
          let n = 0;
          for (let p = first; p < first + count; p++) if (this.routable(p, dst)) n++;
          if (n > 0) {
            let k = h % n;
            for (let p = first; p < first + count; p++) if (this.routable(p, dst) && k-- === 0) link = p;
          }
        }
      }
      links.push(link);
    }
  }

  /** Spreads `weight` of a flow from the head of `link` evenly over the routable candidates (all when none is). */
  private split(link: number, dst: number, weight: number, load: Map<number, number>): void {
    load.set(link, (load.get(link) ?? 0) + weight);
    this.onward(link, dst);
    const { first, count } = this;
    if (count === 0) return;
    let n = 0;
    if (count > 1) for (let p = first; p < first + count; p++) if (this.routable(p, dst)) n++;
    for (let p = first; p < first + count; p++) if (count === 1 || n === 0 || this.routable(p, dst)) this.split(p, dst, weight / (n || count), load);
  }
}
