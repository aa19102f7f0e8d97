export * from './workload.js';
export * from './collectives/ring-allreduce.js';
export * from './transfers.js';
export * from './permutation.js';
export * from './incast.js';
