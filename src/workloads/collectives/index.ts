export * from './collective.js';
export * from './ring.js';
export * from './halving-doubling.js';
export * from './double-binary-tree.js';
export * from './tree-allreduce.js';
export * from './hierarchical.js';
export * from './all-to-all.js';
export * from './broadcast.js';
