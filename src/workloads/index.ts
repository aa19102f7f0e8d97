export * from './workload.js';
export * from './collectives/index.js';
export * from './transfers.js';
export * from './permutation.js';
export * from './incast.js';
