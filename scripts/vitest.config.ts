import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    root: import.meta.dirname,
    include: ['*.test.ts'],
    // Every test file's temp files live in a directory of its own, removed when the file ends.
    setupFiles: ['./test-temp-dir.ts'],
    // Real npm installs, real stacks and real signals: the clean-clone test alone takes minutes.
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
});
