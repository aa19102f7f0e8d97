import { seed32 } from '../../engine/index.js';
import { ClosShape, shapeOf, type NvlinkDomain, type TopologySpec } from '../topology/index.js';

/**
 * The shape of a fabric as the flow model needs it: the topology's own shape (where each
 * GPU sits and how wide each tier is, the same object the packet builder cables), plus the
 * ECMP salt of every switch that picks among several ports. No switch or port objects:
 * links are indexed by arithmetic.
 */
export interface FlowLayout {
  readonly shape: ClosShape;
  gpus: number;
  leaves: number;
  leafOf(h: number): number;
  leavesPerPod: number;
  spinesPerPod: number;
  /** Parallel links between one leaf and one spine (leaf-spine may have several; a Clos has 1). */
  parallel: number;
  /** Cores per plane; 0 for two tiers. */
  coresPerPlane: number;
  /** 1 (one leaf), 2 (one pod) or 3. */
  tiers: number;
  linkGbps: number;
  linkDelayPs: number;
  nvlink: NvlinkDomain | null;
  /** ECMP salt of leaf `l` and of spine `j` of pod `p`: seed32(seed, name) with the packet builder's names. */
  leafSalt(l: number): number;
  spineSalt(p: number, j: number): number;
}

/** seed32 per switch, computed on first use (a million-GPU fabric has tens of thousands of switches). */
function saltCache(seed: number, name: (i: number) => string): (i: number) => number {
  const cache = new Map<number, number>();
  return (i) => {
    let salt = cache.get(i);
    if (salt === undefined) cache.set(i, (salt = seed32(seed, name(i))));
    return salt;
  };
}

/** The flow model's view of a topology spec, with the packet model's ECMP salts for `seed`. */
export function flowLayoutOf(spec: TopologySpec, seed: number): FlowLayout {
  const shape = shapeOf(spec);
  if (!(shape instanceof ClosShape)) throw new Error(`flow layout: ${spec.kind} is not a Clos (shape-routes.ts routes it)`);
  const S = shape.spinesPerPod;
  const spine = saltCache(seed, (i) => shape.spineName(Math.floor(i / S), i % S));
  return {
    shape,
    gpus: shape.gpus,
    leaves: shape.leaves,
    leafOf: shape.leafOf,
    leavesPerPod: shape.leavesPerPod,
    spinesPerPod: S,
    parallel: shape.parallel,
    coresPerPlane: shape.coresPerPlane,
    tiers: shape.tiers,
    linkGbps: shape.linkGbps,
    linkDelayPs: shape.linkDelayPs,
    nvlink: shape.nvlink,
    leafSalt: saltCache(seed, (l) => `leaf${l}`),
    spineSalt: (p, j) => spine(p * S + j),
  };
}
