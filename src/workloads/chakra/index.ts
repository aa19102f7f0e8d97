export * from './et-def.js';
export * from './decode.js';
export * from './graph.js';
export * from './trace-set.js';
export * from './chakra-workload.js';
export * from './encode.js';
