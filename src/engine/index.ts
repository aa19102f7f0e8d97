export * from './time.js';
export * from './event-queue.js';
export * from './typed-event-queue.js';
export * from './heap-event-queue.js';
export * from './simulator.js';
export * from './timer.js';
export * from './rng.js';
export * from './histogram.js';
