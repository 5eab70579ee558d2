import nx from '@nx/eslint-plugin';
import { defineConfig } from 'eslint/config';
import tseslint from 'typescript-eslint';

/** Who may import whom (docs/architecture.md): dependencies point inwards, core imports no runtime, transport or MCP library. */
const dependencyRules = (extraAllowed) => [
  {
    sourceTag: 'type:core',
    onlyDependOnLibsWithTags: [...extraAllowed],
    bannedExternalImports: [
      'nats',
      'nats/*',
      '@nats-io/*',
      '@modelcontextprotocol/*',
      'node:*',
      'commander',
      'yaml',
      'fs',
      'net',
      'http',
      'child_process',
    ],
  },
  { sourceTag: 'type:transport', onlyDependOnLibsWithTags: ['type:core', ...extraAllowed] },
  { sourceTag: 'type:adapter', onlyDependOnLibsWithTags: ['type:core', 'type:adapter', ...extraAllowed] },
  { sourceTag: 'type:mcp', onlyDependOnLibsWithTags: ['type:core', ...extraAllowed] },
  { sourceTag: 'type:plugin', onlyDependOnLibsWithTags: ['type:core', ...extraAllowed] },
  { sourceTag: 'type:testing', onlyDependOnLibsWithTags: ['type:core', 'type:testing'] },
  {
    sourceTag: 'type:app',
    onlyDependOnLibsWithTags: [
      'type:core',
      'type:transport',
      'type:adapter',
      'type:mcp',
      'type:plugin',
      ...extraAllowed,
    ],
  },
  { sourceTag: 'type:tool', onlyDependOnLibsWithTags: ['*'] },
];

const boundaries = (extraAllowed) => [
  'error',
  { allow: [], enforceBuildableLibDependency: false, depConstraints: dependencyRules(extraAllowed) },
];

export default defineConfig(
  // runtime-globals.d.ts only declares globals for core's Node-free build (its own tsconfig.lib.json).
  {
    ignores: [
      '**/dist/**',
      '**/node_modules/**',
      '**/.nx/**',
      '**/test-artifacts/**',
      '**/fixtures/**',
      '**/generated/**',
      'packages/core/runtime-globals.d.ts',
    ],
  },
  ...tseslint.configs.strictTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    plugins: { '@nx': nx },
    rules: {
      '@nx/enforce-module-boundaries': boundaries([]),
      '@typescript-eslint/restrict-template-expressions': ['error', { allowNumber: true }],
      '@typescript-eslint/no-extraneous-class': 'off',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  {
    // Core is pure: no runtime, transport, MCP or CLI library, whether installed or not (the
    // boundary rule only sees packages in the graph, and Node built-ins are not in it).
    files: ['packages/core/src/**/*.ts'],
    ignores: ['**/*.spec.ts', '**/*.test-helpers.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['node:*', 'fs', 'fs/*', 'path', 'net', 'http', 'https', 'child_process', 'os', 'crypto'],
              message: 'core never imports a runtime: put runtime code in a transport or the app',
            },
            { group: ['nats', 'nats/*', '@nats-io/*'], message: 'core never imports a transport library' },
            { group: ['@modelcontextprotocol/*'], message: 'core never imports the MCP SDK' },
          ],
        },
      ],
    },
  },
  {
    // Strategy plugins (and the generator's template, which lands here) build on core's public
    // API only: `@switchyard/core/internal` has no stability promise, a plugin on it breaks unannounced.
    files: ['packages/strategy-*/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['@switchyard/core/internal', '@switchyard/core/internal/*'],
              message: 'a strategy plugin imports only from @switchyard/core (docs/plugins.md)',
            },
          ],
        },
      ],
    },
  },
  {
    // Tests may use the shared test helpers, transports and the agent SDK to wire real scenarios.
    files: ['**/*.spec.ts', '**/e2e/**/*.ts', '**/*.test-helpers.ts'],
    rules: {
      '@nx/enforce-module-boundaries': boundaries(['type:testing', 'type:transport', 'type:adapter']),
      '@typescript-eslint/no-non-null-assertion': 'off',
    },
  },
  {
    // Build and test config sits outside every project's source and may reach the shared root config.
    files: ['**/vitest.config.ts'],
    rules: { '@nx/enforce-module-boundaries': 'off' },
  },
  {
    files: ['**/*.js', '**/*.mjs', '**/*.cjs'],
    ...tseslint.configs.disableTypeChecked,
  },
  {
    // CommonJS on purpose (Nx loads generators with require).
    files: ['**/*.cjs'],
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
);
