import type { FabricContext } from '../context.js';
import type { RoutingPolicy } from '../routing/index.js';
import { buildLeafSpine, type LeafSpineSpec } from './leaf-spine.js';
import type { Topology } from './topology.js';

export type { Topology } from './topology.js';
export { leafSpineShape, type LeafSpineSpec } from './leaf-spine.js';

/** Every topology kind a spec can name (a discriminated union on `kind`). */
export type TopologySpec = LeafSpineSpec;

export function buildTopology(spec: TopologySpec, ctx: FabricContext, routing: RoutingPolicy, seed: number): Topology {
  switch (spec.kind) {
    case 'leaf-spine':
      return buildLeafSpine(spec, ctx, routing, seed);
  }
}
