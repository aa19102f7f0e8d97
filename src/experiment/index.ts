export * from './spec.js';
export * from './sizes.js';
export * from './load-spec.js';
export * from './fabrics.js';
export * from './create-workload.js';
export * from './result.js';
export * from './runner.js';
