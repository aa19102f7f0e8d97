export * from './table.js';
export * from './csv.js';
export * from './write-results.js';
