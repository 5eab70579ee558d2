import type { z } from 'zod';
import { ValidationError } from '../errors/validation-error.js';
import { fastPathRegistry } from './fast-path-registry.js';

/** Parses a boundary input or throws a ValidationError naming every bad field. */
export function parseInput<S extends z.ZodType>(schema: S, input: unknown, context: string): z.output<S> {
  const fast = fastPathRegistry.of(schema)?.(input);
  if (fast !== undefined) return fast as z.output<S>;
  const parsed = schema.safeParse(input);
  if (!parsed.success) {
    throw ValidationError.fromZod(parsed.error, context);
  }
  return parsed.data;
}
