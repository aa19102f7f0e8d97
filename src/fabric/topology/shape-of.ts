import { ClosShape } from './clos-shape.js';
import { DragonflyShape, type DragonflySpec } from './dragonfly-shape.js';
import { fatTreeDims, type FatTreeSpec } from './fat-tree.js';
import { leafSpineDims, type LeafSpineSpec } from './leaf-spine.js';
import { railOptimizedDims, type RailOptimizedSpec } from './rail-optimized.js';

/** Every topology kind a spec can name (a discriminated union on `kind`). */
export type TopologySpec = LeafSpineSpec | FatTreeSpec | RailOptimizedSpec | DragonflySpec;

/** Specs are not changed once validated: a spec object's shape is computed once. */
const shapes = new WeakMap<TopologySpec, ClosShape | DragonflyShape>();

/**
 * The shape of a topology spec: validated (a field-named RangeError for an impossible one)
 * and computed once, then shared by the schema that checks it, the packet builder and the
 * flow model. Every kind so far is a Clos.
 */
export function shapeOf(spec: TopologySpec): ClosShape | DragonflyShape {
  let shape = shapes.get(spec);
  if (shape === undefined) shapes.set(spec, (shape = spec.kind === 'dragonfly' ? new DragonflyShape(spec) : new ClosShape(dimsOf(spec))));
  return shape;
}

function dimsOf(spec: Exclude<TopologySpec, DragonflySpec>) {
  switch (spec.kind) {
    case 'leaf-spine':
      return leafSpineDims(spec);
    case 'fat-tree':
      return fatTreeDims(spec);
    case 'rail-optimized':
      return railOptimizedDims(spec);
  }
}
