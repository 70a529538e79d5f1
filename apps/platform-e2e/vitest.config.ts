import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts'],
    // Every test file's temp files live in a directory of its own, removed when the file ends.
    setupFiles: ['../../scripts/test-temp-dir.ts'],
    // The tests start the whole local stack and a real browser: allow for a slow, busy CI machine.
    testTimeout: 120_000,
    hookTimeout: 120_000,
  },
});
