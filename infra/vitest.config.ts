import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['tests/**/*.test.ts'],
    // terraform and helm run as child processes; each has its own timeout below this one.
    testTimeout: 60_000,
    // The first HCL parse starts a WebAssembly runtime, which is slow on a busy machine.
    hookTimeout: 60_000,
  },
});
