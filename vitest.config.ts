import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // Audit tests share the kernel's single audit rule table; run files one
    // at a time so one test's rules never show up in another's events.
    fileParallelism: false,
  },
});
