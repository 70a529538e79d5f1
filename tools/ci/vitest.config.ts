import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts'],
    // Every test file's temp files live in a directory of its own, removed when the file ends.
    setupFiles: ['../../scripts/test-temp-dir.ts'],
    // Real git, nx and semantic-release processes: generous per-test limits; the suite stays well under a minute.
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
});
