import type { RoutingName } from '../config.js';
import { mix32 } from '../hash.js';
import type { LinkGraph } from './link-graph.js';

/**
 * The links a flow loads and by how much. `weights` null: each link carries the flow's
 * whole rate (one path). Otherwise link i carries weights[i] × the rate: the flow split
 * evenly over every equal-cost path, as spraying does (each packet picks uniformly).
 */
export interface FlowPath {
  links: number[];
  weights: number[] | null;
  hops: number;
  gbps: number;
  delayPs: number;
}

/** The packet model's ECMP choice: the 5-tuple hash salted per switch, modulo the equal-cost ports. */
const pick = (hash: number, salt: number, n: number): number => mix32(hash ^ salt) % n;

/**
 * Route of a flow from `src` to `dst` with 5-tuple hash `hash`. `ecmp`: the one path the
 * packet model's switches hash it onto (same hash, salts and candidate order), so the same
 * flows collide. `spray`, `adaptive`, `flowlet`: an even split over all equal-cost paths
 * (the flow model has no queues for adaptive routing to read, so it takes the balance
 * adaptive routing aims for; per-flow it is what spraying achieves on average).
 */
export function routeOf(g: LinkGraph, routing: RoutingName, src: number, dst: number, hash: number): FlowPath {
  const L = g.layout;
  const nv = L.nvlink;
  if (nv !== null && Math.floor(src / nv.gpusPerNode) === Math.floor(dst / nv.gpusPerNode))
    return { links: [g.nvUp + src, g.nvDown + dst], weights: null, hops: 2, gbps: nv.gbps, delayPs: nv.delayPs };
  /** One path: each link once, in order. */
  const fabric = (links: number[]): FlowPath => ({ links, weights: null, hops: links.length, gbps: L.linkGbps, delayPs: L.linkDelayPs });
  const la = L.leafOf(src);
  const lb = L.leafOf(dst);
  const up = g.hostUp + src;
  const down = g.hostDown + dst;
  if (la === lb) return fabric([up, down]);
  const S = L.spinesPerPod;
  const P = L.parallel;
  const U = g.leafUplinks;
  const pa = Math.floor(la / L.leavesPerPod);
  const pb = Math.floor(lb / L.leavesPerPod);
  if (routing === 'ecmp') {
    const u = pick(hash, L.leafSalt(la), U);
    const s = Math.floor(u / P);
    if (pa === pb) {
      const k = P > 1 ? pick(hash, L.spineSalt(pa, s), P) : 0;
      return fabric([up, g.leafUp + la * U + u, g.leafDown + lb * U + s * P + k, down]);
    }
    const C = L.coresPerPlane;
    const c = pick(hash, L.spineSalt(pa, s), C);
    return fabric([up, g.leafUp + la * S + s, g.spineUp + (pa * S + s) * C + c, g.spineDown + (pb * S + s) * C + c, g.leafDown + lb * S + s, down]);
  }
  const links = [up, down];
  const weights = [1, 1];
  const spread = (first: number, n: number, w: number) => {
    for (let i = 0; i < n; i++) {
      links.push(first + i);
      weights.push(w);
    }
  };
  spread(g.leafUp + la * U, U, 1 / U);
  spread(g.leafDown + lb * U, U, 1 / U);
  if (pa !== pb) {
    const C = L.coresPerPlane;
    spread(g.spineUp + pa * S * C, S * C, 1 / (S * C));
    spread(g.spineDown + pb * S * C, S * C, 1 / (S * C));
  }
  return { links, weights, hops: pa === pb ? 4 : 6, gbps: L.linkGbps, delayPs: L.linkDelayPs };
}
