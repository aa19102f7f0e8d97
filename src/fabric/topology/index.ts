export { NVLINK_PORT, pathLinks, sameNode, unloadedPathPs, type NvlinkDomain, type Topology } from './topology.js';
export { leafSpineShape, leafSpineDims, type LeafSpineSpec } from './leaf-spine.js';
export { fatTreeDims, fatTreeMaxGpus, fatTreeShape, type FatTreeSpec } from './fat-tree.js';
export { railLayout, railOptimizedDims, railOptimizedShape, type RailOptimizedSpec } from './rail-optimized.js';
export { splitRadix } from './split-radix.js';
export { ClosShape, type ClosDims } from './clos-shape.js';
export * from './shape.js';
export { shapeOf, type TopologySpec } from './shape-of.js';
export { buildShape, buildTopology } from './build.js';
