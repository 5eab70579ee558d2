import type { z } from 'zod';

type FastPath = (input: unknown) => unknown;

const fastPaths = new WeakMap<z.ZodType, FastPath>();

/**
 * Hand-written checks attached to the schemas of hot paths, which parseInput tries before zod.
 * A fast path returns exactly the schema's output for input it accepts, and undefined for
 * anything else, which then goes to the schema: zod stays the authority on acceptance and on
 * the messages that name bad fields. Each fast path has a test holding it to its schema.
 */
export const fastPathRegistry = {
  attach<S extends z.ZodType>(schema: S, fastPath: (input: unknown) => z.output<S> | undefined): S {
    fastPaths.set(schema, fastPath);
    return schema;
  },

  of(schema: z.ZodType): FastPath | undefined {
    return fastPaths.get(schema);
  },
};
