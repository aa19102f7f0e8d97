import type { ClosDims } from './clos-shape.js';
import { splitRadix } from './split-radix.js';

export interface FatTreeSpec {
  kind: 'fat-tree';
  /** Ports per switch, every tier. */
  radix: number;
  gpus: number;
  /** Leaf GPU ports over leaf uplinks; 1 is non-blocking. */
  oversubscription: number;
  /** Spine leaf-facing ports over spine uplinks to the cores; 1 is non-blocking. */
  spineOversubscription: number;
  linkGbps: number;
  /** Per hop: cable propagation plus switch pipeline latency. */
  linkDelayNs: number;
}

type FatTreeShapeSpec = Pick<FatTreeSpec, 'radix' | 'oversubscription' | 'spineOversubscription'>;

/** GPUs in a full fat-tree: radix pods (a core has a port per pod) of leaves × GPUs; k³/4 when non-blocking. */
export function fatTreeMaxGpus(spec: FatTreeShapeSpec): number {
  const leaf = splitRadix(spec.radix, spec.oversubscription, 'oversubscription');
  const spine = splitRadix(spec.radix, spec.spineOversubscription, 'spineOversubscription');
  return spec.radix * spine.down * leaf.down;
}

/** Per-tier widths of a fat-tree; throws a field-named error for an impossible one. */
export function fatTreeShape(spec: FatTreeSpec) {
  const leaf = splitRadix(spec.radix, spec.oversubscription, 'oversubscription');
  const spine = splitRadix(spec.radix, spec.spineOversubscription, 'spineOversubscription');
  const maxGpus = fatTreeMaxGpus(spec);
  if (spec.gpus > maxGpus)
    throw new RangeError(
      `topology.gpus: a radix-${spec.radix} fat-tree holds at most ${maxGpus} GPUs (${spec.radix} pods × ${spine.down} leaves × ${leaf.down} GPUs), got ${spec.gpus}`,
    );
  if (spec.gpus % leaf.down !== 0) throw new RangeError(`topology.gpus: must fill whole leaves of ${leaf.down} GPUs, got ${spec.gpus}`);
  return {
    gpusPerLeaf: leaf.down,
    leaves: spec.gpus / leaf.down,
    leavesPerPod: spine.down,
    spinesPerPod: leaf.up,
    coresPerPlane: spine.up,
  };
}

/**
 * Three-tier fat-tree (leaf, spine, core) of radix-k switches. GPU h sits on leaf
 * ⌊h / gpusPerLeaf⌋; a pod is `leavesPerPod` consecutive leaves and their spines; the last
 * pod may hold fewer leaves. Fewer GPUs than a pod leave out the cores (and one leaf the spines).
 */
export function fatTreeDims(spec: FatTreeSpec): ClosDims {
  const shape = fatTreeShape(spec);
  const perLeaf = shape.gpusPerLeaf;
  return {
    gpus: spec.gpus,
    leaves: shape.leaves,
    leafOf: (h) => Math.floor(h / perLeaf),
    slotOf: (h) => h % perLeaf,
    leavesPerPod: shape.leavesPerPod,
    spinesPerPod: shape.spinesPerPod,
    parallel: 1,
    coresPerPlane: shape.coresPerPlane,
    linkGbps: spec.linkGbps,
    linkDelayNs: spec.linkDelayNs,
    nvlink: null,
    spineName: (p, j) => `pod${p}/spine${j}`,
  };
}

