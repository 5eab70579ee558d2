import { defineConfig } from 'vitest/config';

/** One vitest setup for every project; each project's vitest.config.ts merges it and names itself. */
export const sharedVitestConfig = defineConfig({
  resolve: { tsconfigPaths: true },
  test: {
    include: ['src/**/*.spec.ts', 'e2e/**/*.spec.ts'],
    environment: 'node',
    testTimeout: 30_000,
    hookTimeout: 30_000,
    pool: 'forks',
    reporters: ['default'],
  },
});
