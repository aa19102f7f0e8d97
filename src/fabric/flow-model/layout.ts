import { psFromNs, seed32 } from '../../engine/index.js';
import {
  fatTreeLayout,
  leafSpineShape,
  railOptimizedLayout,
  type ClosLayout,
  type NvlinkDomain,
  type TopologySpec,
} from '../topology/index.js';

/**
 * The shape of a fabric as the flow model needs it: where each GPU sits and how wide each
 * tier is, the same numbers the packet builders cable (fat-tree and rail-optimized share
 * their ClosLayout with the packet model), plus the ECMP salt of every switch that picks
 * among several ports. No switch or port objects: links are indexed by arithmetic.
 */
export interface FlowLayout {
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
  /** ECMP salt of leaf `l` and of spine `j` of pod `p`: seed32(seed, name) with the packet builders' names. */
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

function fromClos(layout: ClosLayout, seed: number, nvlink: NvlinkDomain | null): FlowLayout {
  const pods = Math.ceil(layout.leaves / layout.leavesPerPod);
  const S = layout.spinesPerPod;
  const spine = saltCache(seed, (i) => `pod${Math.floor(i / S)}/spine${i % S}`);
  return {
    gpus: layout.gpus,
    leaves: layout.leaves,
    leafOf: layout.leafOf,
    leavesPerPod: layout.leavesPerPod,
    spinesPerPod: S,
    parallel: 1,
    coresPerPlane: layout.coresPerPlane,
    tiers: layout.leaves === 1 ? 1 : pods === 1 ? 2 : 3,
    linkGbps: layout.linkGbps,
    linkDelayPs: psFromNs(layout.linkDelayNs),
    nvlink,
    leafSalt: saltCache(seed, (l) => `leaf${l}`),
    spineSalt: (p, j) => spine(p * S + j),
  };
}

/** The flow model's view of a topology spec, with the packet model's ECMP salts for `seed`. */
export function flowLayoutOf(spec: TopologySpec, seed: number): FlowLayout {
  switch (spec.kind) {
    case 'leaf-spine': {
      const { leaves, spines, parallel } = leafSpineShape(spec);
      const perLeaf = spec.gpusPerLeaf;
      const spine = saltCache(seed, (s) => `spine${s}`);
      return {
        gpus: spec.gpus,
        leaves,
        leafOf: (h) => Math.floor(h / perLeaf),
        leavesPerPod: leaves,
        spinesPerPod: spines,
        parallel,
        coresPerPlane: 0,
        tiers: leaves === 1 ? 1 : 2,
        linkGbps: spec.linkGbps,
        linkDelayPs: psFromNs(spec.linkDelayNs),
        nvlink: null,
        leafSalt: saltCache(seed, (l) => `leaf${l}`),
        spineSalt: (_p, s) => spine(s),
      };
    }
    case 'fat-tree':
      return fromClos(fatTreeLayout(spec), seed, null);
    case 'rail-optimized':
      return fromClos(railOptimizedLayout(spec), seed, {
        gpusPerNode: spec.gpusPerNode,
        gbps: spec.nvlinkGbps,
        delayPs: psFromNs(spec.nvlinkDelayNs),
      });
  }
}
