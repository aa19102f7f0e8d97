import type { ClosDims } from './clos-shape.js';

export interface LeafSpineSpec {
  kind: 'leaf-spine';
  gpus: number;
  gpusPerLeaf: number;
  /** Default: one spine per leaf uplink. */
  spines?: number;
  /** Leaf downlink over uplink capacity; 1 is non-blocking. */
  oversubscription: number;
  linkGbps: number;
  /** Per hop: cable propagation plus switch pipeline latency. */
  linkDelayNs: number;
}

/** Uplinks per leaf and parallel links per leaf–spine pair; throws a field-named error. */
export function leafSpineShape(spec: LeafSpineSpec): { leaves: number; uplinks: number; spines: number; parallel: number } {
  const leaves = spec.gpus / spec.gpusPerLeaf;
  if (!Number.isInteger(leaves)) throw new RangeError(`topology.gpus: must be a multiple of gpusPerLeaf (${spec.gpusPerLeaf})`);
  const uplinks = spec.gpusPerLeaf / spec.oversubscription;
  if (!Number.isInteger(uplinks) || uplinks < 1)
    throw new RangeError(`topology.oversubscription: gpusPerLeaf / oversubscription must be a whole number ≥ 1 (got ${uplinks})`);
  if (leaves === 1) return { leaves, uplinks: 0, spines: 0, parallel: 0 };
  const spines = spec.spines ?? uplinks;
  const parallel = uplinks / spines;
  if (!Number.isInteger(parallel)) throw new RangeError(`topology.spines: must divide the ${uplinks} uplinks of a leaf`);
  return { leaves, uplinks, spines, parallel };
}

/**
 * Two-tier leaf-spine (one leaf when all GPUs fit on it) as a Clos of one pod: GPU h sits on
 * leaf ⌊h / gpusPerLeaf⌋; every leaf has `parallel` links to every spine.
 */
export function leafSpineDims(spec: LeafSpineSpec): ClosDims {
  const { leaves, spines, parallel } = leafSpineShape(spec);
  const perLeaf = spec.gpusPerLeaf;
  return {
    gpus: spec.gpus,
    leaves,
    leafOf: (h) => Math.floor(h / perLeaf),
    slotOf: (h) => h % perLeaf,
    leavesPerPod: leaves,
    spinesPerPod: spines,
    parallel,
    coresPerPlane: 0,
    linkGbps: spec.linkGbps,
    linkDelayNs: spec.linkDelayNs,
    nvlink: null,
    spineName: (_p, j) => `spine${j}`,
  };
}
