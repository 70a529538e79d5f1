import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts'],
    // ESLint with the workspace's typescript-eslint config takes a few seconds to start.
    testTimeout: 60_000,
  },
});
