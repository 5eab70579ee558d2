import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ESLint } from 'eslint';
import type { Linter } from 'eslint';
import tseslint from 'typescript-eslint';
import { describe, expect, it } from 'vitest';

const workspaceRoot = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');

/**
 * Lints a made-up source file as if it sat at `path`, with the workspace's real ESLint config.
 * Type-aware rules are switched off (the file does not exist on disk); the boundary rule is not.
 */
async function boundaryProblems(path: string, source: string): Promise<string[]> {
  const { default: workspaceConfig } = (await import(join(workspaceRoot, 'eslint.config.js'))) as {
    default: Linter.Config[];
  };
  const eslint = new ESLint({
    cwd: workspaceRoot,
    overrideConfigFile: true,
    overrideConfig: [
      ...workspaceConfig,
      tseslint.configs.disableTypeChecked,
      { languageOptions: { parserOptions: { projectService: false } } },
    ],
  });
  const [result] = await eslint.lintText(source, { filePath: join(workspaceRoot, path) });
  const boundaryRules = new Set(['@nx/enforce-module-boundaries', 'no-restricted-imports']);
  return (result?.messages ?? [])
    .filter((message) => message.ruleId !== null && boundaryRules.has(message.ruleId))
    .map((message) => message.message);
}

describe('module boundaries (docs/architecture.md: dependencies point inwards)', () => {
  it('make core importing any other package of ours a lint error', async () => {
    // Every package depends on core, so the rule reports such an import as a cycle.
    const problems = await boundaryProblems(
      'packages/core/src/probe.ts',
      "import { InMemoryTransport } from '@switchyard/transport-memory';\nexport const probe = InMemoryTransport;\n",
    );
    expect(problems.join('\n')).toMatch(/Circular dependency between "core" and "transport-memory"/);
  });

  it('make core importing the nats client or a Node runtime module a lint error', async () => {
    const nats = await boundaryProblems(
      'packages/core/src/probe.ts',
      "import { connect } from 'nats';\nexport const probe = connect;\n",
    );
    expect(nats.join('\n')).toMatch(/core never imports a transport library/);
    const runtime = await boundaryProblems(
      'packages/core/src/probe.ts',
      "import { readFile } from 'node:fs/promises';\nexport const probe = readFile;\n",
    );
    expect(runtime.join('\n')).toMatch(/core never imports a runtime/);
    const mcp = await boundaryProblems(
      'packages/core/src/probe.ts',
      "import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';\nexport const probe = McpServer;\n",
    );
    expect(mcp.join('\n')).toMatch(/core never imports the MCP SDK/);
  });

  it('hold every project to the tags it may depend on', async () => {
    const problems = await boundaryProblems(
      'apps/orchestrator/src/probe.ts',
      "import { main } from '@switchyard/bench';\nexport const probe = main;\n",
    );
    expect(problems.join('\n')).toMatch(
      /tagged with "type:app" can only depend on libs tagged with "type:core", "type:transport"/,
    );
  });

  it('keep shipped code away from the test helpers, which tests may use', async () => {
    const shipped = await boundaryProblems(
      'apps/orchestrator/src/probe.ts',
      "import { waitUntil } from '@switchyard/testing';\nexport const probe = waitUntil;\n",
    );
    expect(shipped.join('\n')).toMatch(/tagged with "type:app" can only depend on libs tagged with/);
    const test = await boundaryProblems(
      'apps/orchestrator/src/probe.spec.ts',
      "import { waitUntil } from '@switchyard/testing';\nexport const probe = waitUntil;\n",
    );
    expect(test).toEqual([]);
  });

  it('keep strategy plugins, their tests included, on the public API of core', async () => {
    const internal = await boundaryProblems(
      'packages/strategy-probe/src/probe-strategy.ts',
      "import { TaskRecord } from '@switchyard/core/internal';\nexport const probe = TaskRecord;\n",
    );
    expect(internal.join('\n')).toMatch(/a strategy plugin imports only from @switchyard\/core/);
    const spec = await boundaryProblems(
      'packages/strategy-probe/src/probe-strategy.spec.ts',
      "import { AgentRegistry } from '@switchyard/core/internal';\nexport const probe = AgentRegistry;\n",
    );
    expect(spec.join('\n')).toMatch(/a strategy plugin imports only from @switchyard\/core/);
    const root = await boundaryProblems(
      'packages/strategy-probe/src/probe-strategy.ts',
      "import { defineStrategy } from '@switchyard/core';\nexport const probe = defineStrategy;\n",
    );
    expect(root).toEqual([]);
  });

  it('let the app wire core and transports', async () => {
    const problems = await boundaryProblems(
      'apps/orchestrator/src/probe.ts',
      "import { TaskDistributor } from '@switchyard/core/internal';\nimport { InMemoryTransport } from '@switchyard/transport-memory';\nexport const probe = [TaskDistributor, InMemoryTransport];\n",
    );
    expect(problems).toEqual([]);
  });
});
