import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    // Simulations of a few hundred GPUs take seconds on a busy 2-core machine.
    testTimeout: 60_000,
  },
});
