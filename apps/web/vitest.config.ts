import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts'],
    // Tests start the real records process and a real browser: allow for a slow, busy CI machine.
    testTimeout: 30_000,
    hookTimeout: 60_000,
  },
});
