import { ValidationError } from '../errors/validation-error.js';
import type { SharedState } from '../ports/shared-state.js';

/** What a key may be: dot-separated tokens of letters, digits, "_" and "-" (what every KV accepts). */
const KEY_PATTERN = /^[A-Za-z0-9_-]+(\.[A-Za-z0-9_-]+)*$/;
const MAX_KEY_LENGTH = 200;
/** Below the 1 MiB a NATS server takes per message by default, with room for the key and headers. */
export const SHARED_STATE_MAX_VALUE_BYTES = 512 * 1024;

/**
 * A strategy's view of the shared state: its keys live under its own name, so plugins never
 * read or overwrite each other's; keys and values are checked before anything is sent.
 */
export class ScopedSharedState implements SharedState {
  private readonly prefix: string;
  private readonly context: string;

  constructor(
    private readonly shared: SharedState,
    strategyName: string,
  ) {
    this.prefix = `strategy.${strategyName}.`;
    this.context = `shared state of strategy '${strategyName}'`;
  }

  async get(key: string): Promise<Uint8Array | undefined> {
    return this.shared.get(this.scoped(key, 'key'));
  }

  async put(key: string, value: Uint8Array): Promise<void> {
    const scoped = this.scoped(key, 'key');
    if (!(value instanceof Uint8Array)) throw ValidationError.field('value', 'must be a Uint8Array', this.context);
    if (value.byteLength > SHARED_STATE_MAX_VALUE_BYTES)
      throw ValidationError.field(
        'value',
        `is ${String(value.byteLength)} bytes, more than the ${String(SHARED_STATE_MAX_VALUE_BYTES)} a value may hold`,
        this.context,
      );
    await this.shared.put(scoped, value);
  }

  async entries(prefix: string): Promise<ReadonlyMap<string, Uint8Array>> {
    const scoped = this.scoped(prefix, 'prefix');
    const found = await this.shared.entries(scoped);
    const unscoped = new Map<string, Uint8Array>();
    for (const [key, value] of found) {
      if (key.startsWith(this.prefix)) unscoped.set(key.slice(this.prefix.length), value);
    }
    return unscoped;
  }

  private scoped(key: unknown, field: string): string {
    if (typeof key !== 'string' || key.length > MAX_KEY_LENGTH || !KEY_PATTERN.test(key))
      throw ValidationError.field(
        field,
        `must be at most ${String(MAX_KEY_LENGTH)} characters of dot-separated letters, digits, "_" and "-"`,
        this.context,
      );
    return this.prefix + key;
  }
}
