import { mix32 } from '../hash.js';
import type { FlowPaths } from '../routing/routing-policy.js';
import type { LinkGraph } from './link-graph.js';

/**
 * The links a flow loads and by how much. `weights` null: each link carries the flow's
 * whole rate (the flow model's own paths: one ECMP path, or sprayed over aggregated link
 * groups). Otherwise link i carries weights[i] × the rate (the solver supports fractional
 * loads; the network no longer needs them).
 */
export interface FlowPath {
  links: number[];
  weights: number[] | null;
  hops: number;
  gbps: number;
  delayPs: number;
  /** GPUs of one server over their NVLink (sameNode): not the scale-out fabric. */
  nvlink: boolean;
  /** Links of different rates and delays (a graph topology): each hop's rate and the delays' sum (path-latency.ts). */
  perHop?: { readonly hopGbps: readonly number[]; readonly delaySumPs: number };
}

/** One path on the scale-out fabric: each link once, in order. (Not a closure in routeOf: one per route, a name each under tsx.) */
function fabricPath(L: LinkGraph['layout'], links: number[]): FlowPath {
  return { links, weights: null, hops: links.length, gbps: L.linkGbps, delayPs: L.linkDelayPs, nvlink: false };
}

/** The packet model's ECMP choice: the 5-tuple hash salted per switch, modulo the equal-cost ports. */
const pick = (hash: number, salt: number, n: number): number => mix32(hash ^ salt) % n;

/**
 * Route of a flow from `src` to `dst` with 5-tuple hash `hash`, as the routing module
 * declares for the flow model. `one-path` (ECMP): the one path the packet model's switches
 * hash it onto (same hash, salts and candidate order), so the same flows collide.
 * `even-split` (spray, adaptive, flowlet, adaptive-global): an even split over all
 * equal-cost paths (the flow model has no queues for adaptive routing to read, so it takes
 * the balance adaptive routing aims for; per-flow it is what spraying achieves on average).
 */
export function routeOf(g: LinkGraph, paths: FlowPaths, src: number, dst: number, hash: number): FlowPath {
  const L = g.layout;
  const nv = L.nvlink;
  // GPUs of one server talk over their NVLink.
  if (nv !== null && L.shape.sameNode(src, dst))
    return { links: [g.nvUp + src, g.nvDown + dst], weights: null, hops: 2, gbps: nv.gbps, delayPs: nv.delayPs, nvlink: true };
  const la = L.leafOf(src);
  const lb = L.leafOf(dst);
  const up = g.hostUp + src;
  const down = g.hostDown + dst;
  if (la === lb) return fabricPath(L, [up, down]);
  const S = L.spinesPerPod;
  const P = L.parallel;
  const U = g.leafUplinks;
  const pa = Math.floor(la / L.leavesPerPod);
  const pb = Math.floor(lb / L.leavesPerPod);
  if (paths === 'one-path') {
    const u = pick(hash, L.leafSalt(la), U);
    const s = Math.floor(u / P);
    if (pa === pb) {
      const k = P > 1 ? pick(hash, L.spineSalt(pa, s), P) : 0;
      return fabricPath(L, [up, g.leafUp + la * U + u, g.leafDown + lb * U + s * P + k, down]);
    }
    const C = L.coresPerPlane;
    const c = pick(hash, L.spineSalt(pa, s), C);
    return fabricPath(L, [up, g.leafUp + la * S + s, g.spineUp + (pa * S + s) * C + c, g.spineDown + (pb * S + s) * C + c, g.leafDown + lb * S + s, down]);
  }
  // Spraying: an even split over every equal-cost path loads all of a leaf's uplinks (and
  // of the destination leaf's downlinks, and of the pods' spine–core cables) alike, so the
  // link graph has each group as one link of the group's capacity (`aggregated`); the flow
  // carries its whole rate over each group, the same constraint exactly.
  if (!g.aggregated) throw new Error("an even split needs a link graph that aggregates equal-cost groups");
  const links = [up, down, g.leafUp + la * U, g.leafDown + lb * U];
  if (pa !== pb) {
    const SC = g.podCoreCables;
    links.push(g.spineUp + pa * SC, g.spineDown + pb * SC);
  }
  return { links, weights: null, hops: pa === pb ? 4 : 6, gbps: L.linkGbps, delayPs: L.linkDelayPs, nvlink: false };
}
