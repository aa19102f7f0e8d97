import type { FabricContext } from '../context.js';
import type { RoutingPolicy } from '../routing/index.js';
import { buildFatTree, type FatTreeSpec } from './fat-tree.js';
import { buildLeafSpine, type LeafSpineSpec } from './leaf-spine.js';
import { buildRailOptimized, type RailOptimizedSpec } from './rail-optimized.js';
import type { Topology } from './topology.js';

export { NVLINK_PORT, pathLinks, sameNode, unloadedPathPs, type NvlinkDomain, type Topology } from './topology.js';
export { leafSpineShape, type LeafSpineSpec } from './leaf-spine.js';
export { fatTreeLayout, fatTreeMaxGpus, fatTreeShape, type FatTreeSpec } from './fat-tree.js';
export { railLayout, railOptimizedLayout, railOptimizedShape, type RailOptimizedSpec } from './rail-optimized.js';
export { splitRadix, type ClosLayout } from './clos.js';

/** Every topology kind a spec can name (a discriminated union on `kind`). */
export type TopologySpec = LeafSpineSpec | FatTreeSpec | RailOptimizedSpec;

export function buildTopology(spec: TopologySpec, ctx: FabricContext, routing: RoutingPolicy, seed: number): Topology {
  switch (spec.kind) {
    case 'leaf-spine':
      return buildLeafSpine(spec, ctx, routing, seed);
    case 'fat-tree':
      return buildFatTree(spec, ctx, routing, seed);
    case 'rail-optimized':
      return buildRailOptimized(spec, ctx, routing, seed);
  }
}
