import { z } from 'zod';

export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };

/** Task data and results are JSON: that is what crosses every transport unchanged. */
export const JsonValueSchema: z.ZodType<JsonValue> = z.json();

export const JsonObjectSchema = z.record(z.string(), JsonValueSchema);
