import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts'],
    // The chart tests run the real helm; other projects' suites share the machine.
    testTimeout: 30_000,
  },
});
