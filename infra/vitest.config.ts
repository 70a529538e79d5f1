import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['tests/**/*.test.ts'],
    // Every test file's temp files live in a directory of its own, removed when the file ends.
    setupFiles: ['../scripts/test-temp-dir.ts'],
    // terraform and helm run as child processes; each has its own timeout below this one.
    testTimeout: 60_000,
    // The first HCL parse starts a WebAssembly runtime, which is slow on a busy machine.
    hookTimeout: 60_000,
  },
});
