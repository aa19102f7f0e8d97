import { availableParallelism } from 'node:os';
import { defineConfig } from 'vitest/config';
import SlowestFirstSequencer from './tests/slowest-first-sequencer.js';

export default defineConfig({
  test: {
    // Simulations of a few hundred GPUs take seconds on a busy 2-core machine.
    testTimeout: 60_000,
    // One temp folder per run, removed at its end: the tests' and their CLI children's files.
    globalSetup: ['tests/run-temp-dir.ts'],
    // One test file per core. Vitest's default leaves a core free (one worker on CI's two):
    // the suite took 218 s there, 147 s with two (most tests are single-threaded simulations).
    maxWorkers: availableParallelism(),
    // Test files share a worker's module graph: each file otherwise loads src/ afresh (~1.5 s of
    // import per file, more than most files' tests). No test leaves global state changed.
    isolate: false,
    // The slowest files first even without vitest's cache of durations (CI), so none starts last.
    sequence: { sequencer: SlowestFirstSequencer },
  },
});
