export * from './table.js';
export * from './csv.js';
export * from './write-results.js';
export * from './json.js';
export * from './html/index.js';
export * from './jobs-table.js';
export * from './nccl-table.js';
export * from './flows-csv.js';
