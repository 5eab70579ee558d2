import { Container } from 'inversify';
import { z } from 'zod';
import { describe, expect, it } from 'vitest';
import { createCoreModule } from '../di/create-core-module.js';
import { TOKENS } from '../di/tokens.js';
import { ValidationError } from '../errors/validation-error.js';
import type { SharedState } from '../ports/shared-state.js';
import { defineStrategy } from './define-strategy.js';
import { SHARED_STATE_MAX_VALUE_BYTES } from './scoped-shared-state.js';
import { StrategyRegistry } from './strategy-registry.js';
import type { StrategyServices } from './strategy-services.js';

/** The port's contract in one Map: what the NATS one does across processes. */
class MapSharedState implements SharedState {
  readonly values = new Map<string, Uint8Array>();
  get(key: string): Promise<Uint8Array | undefined> {
    return Promise.resolve(this.values.get(key));
  }
  put(key: string, value: Uint8Array): Promise<void> {
    this.values.set(key, value);
    return Promise.resolve();
  }
  entries(prefix: string): Promise<ReadonlyMap<string, Uint8Array>> {
    return Promise.resolve(new Map([...this.values].filter(([key]) => key.startsWith(`${prefix}.`))));
  }
}

function servicesOf(registry: StrategyRegistry, name: string): StrategyServices {
  let captured: StrategyServices | undefined;
  registry.register(
    defineStrategy({
      name,
      optionsSchema: z.strictObject({}),
      create: (_options, services) => {
        captured = services;
        return { select: () => undefined };
      },
    }),
  );
  if (captured === undefined) throw new Error('create() did not run');
  return captured;
}

const bytes = (text: string): Uint8Array => new TextEncoder().encode(text);

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
    return undefined;
  } catch (error) {
    return error;
  }
}

describe('services.sharedState', () => {
  it('is undefined when the host has no shared state (the memory transport)', () => {
    expect(servicesOf(new StrategyRegistry({ now: () => 0 }), 'alone').sharedState).toBeUndefined();
  });

  it("keeps each strategy's keys under its own name, so two strategies never see each other's", async () => {
    const shared = new MapSharedState();
    const registry = new StrategyRegistry({ now: () => 0, sharedState: shared });
    const first = servicesOf(registry, 'first').sharedState;
    const second = servicesOf(registry, 'second').sharedState;
    await first?.put('table.a', bytes('from first'));
    await second?.put('table.a', bytes('from second'));
    expect([...shared.values.keys()].sort()).toEqual(['strategy.first.table.a', 'strategy.second.table.a']);
    expect(new TextDecoder().decode(await first?.get('table.a'))).toBe('from first');
    const listed = await second?.entries('table');
    expect([...(listed?.keys() ?? [])]).toEqual(['table.a']);
    expect(new TextDecoder().decode(listed?.get('table.a'))).toBe('from second');
    expect(await first?.get('table.b')).toBeUndefined();
  });

  it('refuses a bad key, prefix or value with a ValidationError naming the field, and stores nothing', async () => {
    const shared = new MapSharedState();
    const state = servicesOf(new StrategyRegistry({ now: () => 0, sharedState: shared }), 'picky').sharedState;
    const badKey = await rejection(state?.put('has space', bytes('x')) ?? Promise.resolve());
    expect(badKey).toBeInstanceOf(ValidationError);
    expect((badKey as ValidationError).issues[0]?.field).toBe('key');
    const badPrefix = await rejection(state?.entries('a..b') ?? Promise.resolve());
    expect((badPrefix as ValidationError).issues[0]?.field).toBe('prefix');
    const notBytes = await rejection(state?.put('ok', 'text' as unknown as Uint8Array) ?? Promise.resolve());
    expect((notBytes as ValidationError).issues[0]?.field).toBe('value');
    const tooBig = await rejection(
      state?.put('ok', new Uint8Array(SHARED_STATE_MAX_VALUE_BYTES + 1)) ?? Promise.resolve(),
    );
    expect((tooBig as ValidationError).issues[0]?.field).toBe('value');
    expect(shared.values.size).toBe(0);
  });

  it('comes from TOKENS.SharedState when a transport module binds one', async () => {
    const shared = new MapSharedState();
    let captured: StrategyServices | undefined;
    const plugin = defineStrategy({
      name: 'wired',
      optionsSchema: z.strictObject({}),
      create: (_options, services) => {
        captured = services;
        return { select: () => undefined };
      },
    });
    const container = new Container();
    container.load(createCoreModule({}, { strategies: [{ definition: plugin }] }));
    container.bind(TOKENS.SharedState).toConstantValue(shared);
    container.get(StrategyRegistry);
    await captured?.sharedState?.put('k', bytes('v'));
    expect([...shared.values.keys()]).toEqual(['strategy.wired.k']);
  });
});
