import 'reflect-metadata';
import { Container } from 'inversify';
import { describe, expect, it } from 'vitest';
import { OrchestrationEngine } from '../engine/orchestration-engine.js';
import { ValidationError } from '../errors/validation-error.js';
import { RecordingTransport } from '../testing/recording-transport.test-helpers.js';
import { createCoreModule } from './create-core-module.js';
import { TOKENS } from './tokens.js';

function fieldsOf(run: () => unknown): string[] {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(ValidationError);
    return (error as ValidationError).issues.map((issue) => issue.field).sort();
  }
  throw new Error('expected a ValidationError');
}

describe('createCoreModule', () => {
  it('refuses bad options listing every problem before anything is bound', () => {
    const fields = fieldsOf(() =>
      createCoreModule({
        distribution: { defaultStrategy: 'Not A Name', maxCandidatePools: 0 },
        tasks: { defaultTimeoutMs: -1 },
        auth: { tokens: [{ name: 'x', sha256: 'short', permissions: ['root'] }] },
      } as never),
    );
    expect(fields).toEqual([
      'auth.tokens.0.permissions.0',
      'auth.tokens.0.sha256',
      'distribution.defaultStrategy',
      'distribution.maxCandidatePools',
      'tasks.defaultTimeoutMs',
    ]);
  });

  it('refuses a default strategy nobody registered when the container is built', () => {
    const container = new Container();
    container.load(createCoreModule({ distribution: { defaultStrategy: 'fastest' } }));
    container.bind(TOKENS.Transport).toConstantValue(new RecordingTransport());
    expect(() => container.get(OrchestrationEngine)).toThrow(
      /distribution\.defaultStrategy.*unknown strategy 'fastest'/,
    );
  });

  it('builds one engine per container, with every part a singleton', () => {
    const container = new Container();
    container.load(createCoreModule());
    container.bind(TOKENS.Transport).toConstantValue(new RecordingTransport());
    expect(container.get(OrchestrationEngine)).toBe(container.get(OrchestrationEngine));
  });
});
