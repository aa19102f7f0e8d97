import { psFromNs, seed32 } from '../../engine/index.js';
import type { FabricContext } from '../context.js';
import { Nic } from '../nic.js';
import type { RoutingPolicy } from '../routing/index.js';
import { Switch } from '../switch.js';
import { connect, type Topology } from './topology.js';

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
 * Two-tier leaf-spine (one leaf when all GPUs fit on it). GPU h sits on leaf ⌊h / gpusPerLeaf⌋;
 * every leaf has `parallel` links to every spine. Routes are arithmetic on the address.
 */
export function buildLeafSpine(spec: LeafSpineSpec, ctx: FabricContext, routing: RoutingPolicy, seed: number): Topology {
  const { leaves, spines, parallel } = leafSpineShape(spec);
  const { sim } = ctx;
  const perLeaf = spec.gpusPerLeaf;
  const nics: Nic[] = [];
  for (let h = 0; h < spec.gpus; h++) nics.push(new Nic(ctx, h, spec.linkGbps));

  const leafSwitches: Switch[] = [];
  for (let l = 0; l < leaves; l++) {
    const lo = l * perLeaf;
    const leaf = new Switch(ctx, `leaf${l}`, 0, seed32(seed, `leaf${l}`), routing, (dst) =>
      dst >= lo && dst < lo + perLeaf ? dst - lo : -1,
    );
    for (let i = 0; i < perLeaf; i++) {
      const down = leaf.addPort(spec.linkGbps);
      leaf.downGroups.push([down]);
      connect(sim, nics[lo + i]!.port, down, spec.linkDelayNs);
    }
    leafSwitches.push(leaf);
  }

  const spineSwitches: Switch[] = [];
  for (let s = 0; s < spines; s++) {
    const spine = new Switch(ctx, `spine${s}`, 1, seed32(seed, `spine${s}`), routing, (dst) => Math.floor(dst / perLeaf));
    for (let l = 0; l < leaves; l++) {
      const group = [];
      for (let k = 0; k < parallel; k++) {
        const down = spine.addPort(spec.linkGbps);
        const up = leafSwitches[l]!.addPort(spec.linkGbps);
        leafSwitches[l]!.upPorts.push(up);
        connect(sim, up, down, spec.linkDelayNs);
        group.push(down);
      }
      spine.downGroups.push(group);
    }
    spineSwitches.push(spine);
  }

  const switches = [...leafSwitches, ...spineSwitches];
  for (const sw of switches) sw.finishPorts();
  return {
    nics,
    switches,
    tierNames: leaves === 1 ? ['leaf'] : ['leaf', 'spine'],
    fabricTiers: leaves === 1 ? 1 : 2,
    hostGbps: spec.linkGbps,
    maxHops: leaves === 1 ? 2 : 4,
    hops: (src, dst) => (Math.floor(src / perLeaf) === Math.floor(dst / perLeaf) ? 2 : 4),
    linkDelayPs: psFromNs(spec.linkDelayNs),
    nvlink: null,
  };
}
