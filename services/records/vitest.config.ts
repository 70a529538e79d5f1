import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts'],
    // Every test file's temp files live in a directory of its own, removed when the file ends.
    setupFiles: ['../../scripts/test-temp-dir.ts'],
    globalSetup: ['src/test-support/mysql-server.ts'],
    // Real processes and a real MySQL server: generous per-test limits, the suite itself stays well under a minute.
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
});
