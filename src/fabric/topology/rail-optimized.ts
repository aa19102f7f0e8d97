import { psFromNs } from '../../engine/index.js';
import type { ClosDims } from './clos-shape.js';
import { splitRadix } from './split-radix.js';

export interface RailOptimizedSpec {
  kind: 'rail-optimized';
  gpus: number;
  /** GPUs per server; GPU i of a server is on rail i. */
  gpusPerNode: number;
  /** Ports per fabric switch, every tier. */
  radix: number;
  /** 2: rail leaves joined by spines; 3: spines per pod, pods joined by cores. */
  tiers: 2 | 3;
  /** Rail-leaf server ports over its uplinks; 1 is non-blocking. */
  oversubscription: number;
  /** Three tiers: spine leaf-facing ports over its core uplinks. */
  spineOversubscription: number;
  linkGbps: number;
  /** Per hop: cable propagation plus switch pipeline latency. */
  linkDelayNs: number;
  /** NVLink per GPU and direction (H100: 450 GB/s = 3600 Gb/s). */
  nvlinkGbps: number;
  /** Per NVLink hop (GPU → NVSwitch, NVSwitch → GPU). */
  nvlinkDelayNs: number;
  /**
   * How the packet model moves traffic inside a server: `packet`, frame by frame through
   * the NVSwitch like the fabric; `message`, whole messages through per-GPU FIFOs (see
   * NvlinkCrossbar) — the same times when nothing contends, and ~7× fewer events for a
   * hierarchical all-reduce, whose NVLink phases carry 7/8 of its bytes. Default: message.
   */
  nvlinkModel?: 'packet' | 'message';
}

type RailShapeSpec = Pick<RailOptimizedSpec, 'gpusPerNode' | 'radix' | 'oversubscription' | 'spineOversubscription'>;

/**
 * How a rail-optimized fabric of `tiers` tiers is laid out: a group is `serversPerGroup`
 * servers (one rail leaf's GPU ports) and its gpusPerNode rail leaves; a pod holds whole
 * groups, as many as a spine's leaf-facing ports reach.
 */
export function railLayout(spec: RailShapeSpec, tiers: 2 | 3) {
  const G = spec.gpusPerNode;
  const leaf = splitRadix(spec.radix, spec.oversubscription, 'oversubscription');
  // Two tiers: every spine port faces a leaf. Three: the spine splits its ports with the cores.
  const spine = tiers === 2 ? { down: spec.radix, up: 0 } : splitRadix(spec.radix, spec.spineOversubscription, 'spineOversubscription');
  const groupsPerPod = Math.floor(spine.down / G);
  if (groupsPerPod < 1)
    throw new RangeError(`topology.gpusPerNode: a spine's ${spine.down} leaf ports must reach the ${G} rail leaves of a group`);
  const pods = tiers === 2 ? 1 : spec.radix;
  return {
    serversPerGroup: leaf.down,
    leavesPerPod: groupsPerPod * G,
    spinesPerPod: leaf.up,
    coresPerPlane: spine.up,
    maxGpus: pods * groupsPerPod * leaf.down * G,
  };
}

/** The layout and leaf count; throws a field-named error for an impossible fabric. */
export function railOptimizedShape(spec: RailOptimizedSpec) {
  const layout = railLayout(spec, spec.tiers);
  if (spec.gpus % spec.gpusPerNode !== 0)
    throw new RangeError(`topology.gpus: must be whole servers of gpusPerNode (${spec.gpusPerNode}) GPUs, got ${spec.gpus}`);
  if (spec.gpus > layout.maxGpus)
    throw new RangeError(
      `topology.gpus: a ${spec.tiers}-tier rail-optimized fabric of radix-${spec.radix} switches holds at most ${layout.maxGpus} GPUs, got ${spec.gpus}`,
    );
  const servers = spec.gpus / spec.gpusPerNode;
  return { ...layout, leaves: Math.ceil(servers / layout.serversPerGroup) * spec.gpusPerNode };
}

/**
 * Rail-optimized fabric: server s holds GPUs s·G … s·G+G−1; GPU i of every server in a group
 * is cabled to the group's rail-i leaf, so same-rail traffic of a group crosses one switch.
 * Rails (and groups) are joined by a Clos of spines (and cores). GPUs of one server talk
 * over the server's NVSwitch at NVLink rate and latency, never through the NICs' fabric port.
 */
export function railOptimizedDims(spec: RailOptimizedSpec): ClosDims {
  const shape = railOptimizedShape(spec);
  const G = spec.gpusPerNode;
  const S = shape.serversPerGroup;
  return {
    gpus: spec.gpus,
    leaves: shape.leaves,
    leafOf: (h) => Math.floor(h / G / S) * G + (h % G),
    slotOf: (h) => Math.floor(h / G) % S,
    leavesPerPod: shape.leavesPerPod,
    spinesPerPod: shape.spinesPerPod,
    parallel: 1,
    coresPerPlane: shape.coresPerPlane,
    linkGbps: spec.linkGbps,
    linkDelayNs: spec.linkDelayNs,
    nvlink: { gpusPerNode: G, gbps: spec.nvlinkGbps, delayPs: psFromNs(spec.nvlinkDelayNs) },
    spineName: (p, j) => `pod${p}/spine${j}`,
  };
}

