import { defineConfig } from 'vitest/config';

/** One vitest setup for every project; each project's vitest.config.ts merges it and names itself. */
export const sharedVitestConfig = defineConfig({
  resolve: { tsconfigPaths: true },
  test: {
    include: ['src/**/*.spec.ts', 'e2e/**/*.spec.ts'],
    environment: 'node',
    // Ceilings, not expectations: tests wait on events, and on a loaded machine (SWITCHYARD_TEST_STRESS=1)
    // an e2e that starts several processes may legitimately need minutes.
    testTimeout: 180_000,
    hookTimeout: 180_000,
    pool: 'forks',
    reporters: ['default'],
  },
});
