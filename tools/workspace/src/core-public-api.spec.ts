import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { beforeAll, describe, expect, it } from 'vitest';

const workspaceRoot = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
const coreRoot = join(workspaceRoot, 'packages', 'core');

/**
 * What `@switchyard/core` promises: the user API (engine, options, inputs, errors and codes, the
 * models a caller sees, the DI module and tokens) and the strategy plugin API. A name added here
 * is a promise to keep; everything else belongs in `@switchyard/core/internal`.
 */
const PUBLIC_API = [
  'AgentIdSchema',
  'AgentLivenessOptionsSchema',
  'type AgentOutcomeStats',
  'type AgentRegistration',
  'AgentRegistrationSchema',
  'type AgentSnapshot',
  'type AgentStatus',
  'AgentStatusSchema',
  'type AgentStatusUpdate',
  'AgentStatusUpdateSchema',
  'type AgentView',
  'AuthenticationError',
  'type Authenticator',
  'type AuthOptions',
  'AuthOptionsSchema',
  'AuthorizationError',
  'type AuthorizationErrorCode',
  'BUILT_IN_STRATEGY_NAMES',
  'type BuiltInStrategyName',
  'BuiltInStrategyNameSchema',
  'type CancelTaskInput',
  'CancelTaskInputSchema',
  'type CandidateView',
  'CapabilityListSchema',
  'CapabilitySchema',
  'type Clock',
  'CommunicationError',
  'type CommunicationErrorCode',
  'type CoreModuleParts',
  'type CoreOptions',
  'type CoreOptionsInput',
  'CoreOptionsSchema',
  'createCoreModule',
  'type CreateTaskInput',
  'CreateTaskInputSchema',
  'defineStrategy',
  'type DistributeTaskInput',
  'DistributeTaskInputSchema',
  'type DistributionEvent',
  'type DistributionEventListener',
  'DistributionOptionsSchema',
  'type DistributionStrategy',
  'type ExecuteTaskInput',
  'ExecuteTaskInputSchema',
  'FINISHED_TASK_STATUSES',
  'hashToken',
  'isJsonValue',
  'JsonObjectSchema',
  'type JsonValue',
  'JsonValueSchema',
  'type ListTasksInput',
  'ListTasksInputSchema',
  'type LogFields',
  'type Logger',
  'type MessagePriority',
  'MessagePrioritySchema',
  'NotFoundError',
  'type NotFoundErrorCode',
  'OrchestrationEngine',
  'type Permission',
  'PermissionSchema',
  'type Principal',
  'QueueOptionsSchema',
  'type QueueStats',
  'type RetryOptions',
  'RetryOptionsSchema',
  'type RunTaskInput',
  'RunTaskRequestSchema',
  'SenderIdSchema',
  'SilentLogger',
  'STRATEGY_API_VERSION',
  'type StrategyDefinition',
  'type StrategyDefinitionInput',
  'StrategyNameSchema',
  'type StrategyOutcome',
  'type StrategyRegistration',
  'type StrategyServices',
  'SwitchyardError',
  'SystemClock',
  'type Task',
  'type TaskAssignment',
  'type TaskAttempt',
  'type TaskDistributionDetails',
  'TaskDistributionError',
  'type TaskDistributionErrorCode',
  'type TaskErrorInfo',
  'TaskErrorInfoSchema',
  'TaskExecutionError',
  'type TaskExecutionErrorCode',
  'TaskIdSchema',
  'TaskOptionsSchema',
  'type TaskProgressEvent',
  'type TaskProgressListener',
  'type TaskProgressUpdate',
  'TaskProgressUpdateSchema',
  'type TaskResponseInput',
  'TaskResponseInputSchema',
  'type TaskResult',
  'TaskStateError',
  'type TaskStateErrorCode',
  'type TaskStatus',
  'TaskStatusSchema',
  'TokenAuthenticator',
  'type TokenDigest',
  'type TokenEntry',
  'TokenEntrySchema',
  'TOKENS',
  'ValidationError',
  'type ValidationIssue',
  'webCryptoDigest',
  'type WithAuth',
  // Strategy plugin API v2
  'type AgentAttributeName',
  'type AgentEvent',
  'type AgentEvents',
  'decline',
  'isDecline',
  'seededRandom',
  'type StrategyChoice',
  'type StrategyDecline',
  'StrategyError',
  'type StrategyErrorCode',
  'type StrategyMetrics',
  'SUPPORTED_STRATEGY_API_VERSIONS',
];

/** Every name an entry point exports, values as `Name` and type-only exports as `type Name`, as the compiler sees them. */
function exportedNames(program: ts.Program, entry: string): string[] {
  const checker = program.getTypeChecker();
  const source = program.getSourceFile(join(coreRoot, 'src', entry));
  const module = source === undefined ? undefined : checker.getSymbolAtLocation(source);
  if (module === undefined) throw new Error(`core entry point ${entry} is not part of core's build`);
  return checker.getExportsOfModule(module).map((symbol) => {
    const declaration = symbol.declarations?.[0];
    const typeOnlyExport =
      declaration !== undefined &&
      ts.isExportSpecifier(declaration) &&
      (declaration.isTypeOnly || declaration.parent.parent.isTypeOnly);
    const target = symbol.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(symbol) : symbol;
    return typeOnlyExport || (target.flags & ts.SymbolFlags.Value) === 0 ? `type ${symbol.name}` : symbol.name;
  });
}

const bare = (name: string): string => name.replace(/^type /, '');
const sorted = (names: readonly string[]): string[] =>
  [...names].sort((a, b) => bare(a).localeCompare(bare(b)) || a.localeCompare(b));

describe("@switchyard/core's entry points", () => {
  let rootExports: string[] = [];
  let internalExports: string[] = [];

  beforeAll(() => {
    // Core's own build configuration: the same files and options `nx build core` compiles.
    const config = ts.getParsedCommandLineOfConfigFile(
      join(coreRoot, 'tsconfig.lib.json'),
      {},
      {
        ...ts.sys,
        onUnRecoverableConfigFileDiagnostic: (diagnostic) => {
          throw new Error(ts.flattenDiagnosticMessageText(diagnostic.messageText, '\n'));
        },
      },
    );
    if (config === undefined) throw new Error('packages/core/tsconfig.lib.json did not parse');
    const program = ts.createProgram({ rootNames: config.fileNames, options: { ...config.options, noEmit: true } });
    rootExports = exportedNames(program, 'index.ts');
    internalExports = exportedNames(program, 'internal.ts');
  });

  it('the package root exports exactly the user and plugin API (an internal cannot slip in unnoticed)', () => {
    expect(sorted(rootExports)).toEqual(sorted(PUBLIC_API));
  });

  it('`/internal` holds only what the root does not, so each name has one door', () => {
    const rootNames = new Set(rootExports.map(bare));
    expect(internalExports.map(bare).filter((name) => rootNames.has(name))).toEqual([]);
    expect(internalExports.length).toBeGreaterThan(0);
  });

  it('both entry points are in the package exports, pointing at the build output, so installed packages resolve them', () => {
    const manifest = JSON.parse(readFileSync(join(coreRoot, 'package.json'), 'utf8')) as { exports: unknown };
    expect(manifest.exports).toEqual({
      '.': { types: './dist/index.d.ts', default: './dist/index.js' },
      './internal': { types: './dist/internal.d.ts', default: './dist/internal.js' },
    });
  });
});
