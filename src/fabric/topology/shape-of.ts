import { ClosShape } from './clos-shape.js';
import { DragonflyShape, type DragonflySpec } from './dragonfly-shape.js';
import { fatTreeDims, type FatTreeSpec } from './fat-tree.js';
import type { FileTopologySpec, TopologyGraph } from './graph.js';
import { GraphShape } from './graph-shape.js';
import { leafSpineDims, type LeafSpineSpec } from './leaf-spine.js';
import { railOptimizedDims, type RailOptimizedSpec } from './rail-optimized.js';

/** Every topology kind a spec can name (a discriminated union on `kind`). */
export type TopologySpec = LeafSpineSpec | FatTreeSpec | RailOptimizedSpec | DragonflySpec | FileTopologySpec;

/** A shape of any kind: Clos kinds share ClosShape; a dragonfly is a DragonflyShape, a file a GraphShape. */
export type AnyShape = ClosShape | DragonflyShape | GraphShape;

/** Specs are not changed once validated: a spec object's shape is computed once. */
const shapes = new WeakMap<TopologySpec, AnyShape>();

/**
 * The shape of a topology spec: validated (a field-named RangeError for an impossible one)
 * and computed once, then shared by the schema that checks it, the packet builder and the
 * flow model.
 */
export function shapeOf(spec: TopologySpec): AnyShape {
  let shape = shapes.get(spec);
  if (shape === undefined)
    shapes.set(spec, (shape = spec.kind === 'file' ? graphShapeOf(spec.graph) : spec.kind === 'dragonfly' ? new DragonflyShape(spec) : new ClosShape(dimsOf(spec))));
  return shape;
}

/** A graph's routes are computed once however many specs (sweep points) share it. */
const graphShapes = new WeakMap<TopologyGraph, GraphShape>();
function graphShapeOf(graph: TopologyGraph): GraphShape {
  let shape = graphShapes.get(graph);
  if (shape === undefined) graphShapes.set(graph, (shape = new GraphShape(graph)));
  return shape;
}

function dimsOf(spec: Exclude<TopologySpec, DragonflySpec | FileTopologySpec>) {
  switch (spec.kind) {
    case 'leaf-spine':
      return leafSpineDims(spec);
    case 'fat-tree':
      return fatTreeDims(spec);
    case 'rail-optimized':
      return railOptimizedDims(spec);
  }
}
