import { z } from 'zod';
import type { SharedArm } from './arm-table.js';

const Count = z.number().min(0);

/** One arm on the wire: [agent id, task type key, size bucket, successes, failures, latency weight, latency sum, latency squares, updated at]. */
const ArmTuple = z.tuple([
  z.string().min(1).max(1_000),
  z.string().max(10_000),
  z.number().int().min(0).max(2_000),
  Count,
  Count,
  Count,
  Count,
  Count,
  z.number(),
]);

/** What a replica puts in the shared state: a version and its newest arms. */
const SharedArmsSchema = z.strictObject({ v: z.literal(1), arms: z.array(ArmTuple).max(100_000) });

const encoder = new TextEncoder();
const decoder = new TextDecoder();

export function encodeSharedArms(arms: readonly SharedArm[]): Uint8Array {
  const tuples = arms.map((arm) => [
    arm.agentId,
    arm.key,
    arm.bucket,
    arm.successes,
    arm.failures,
    arm.latencyWeight,
    arm.latencySum,
    arm.latencySquares,
    arm.updatedAt,
  ]);
  return encoder.encode(JSON.stringify({ v: 1, arms: tuples }));
}

/** The arms another replica published, or an error naming what is wrong with them (another version, damage). */
export function decodeSharedArms(value: Uint8Array): SharedArm[] | Error {
  let json: unknown;
  try {
    json = JSON.parse(decoder.decode(value));
  } catch (error) {
    return error instanceof Error ? error : new Error(String(error));
  }
  const parsed = SharedArmsSchema.safeParse(json);
  if (!parsed.success) return new Error(z.prettifyError(parsed.error));
  return parsed.data.arms.map(
    ([agentId, key, bucket, successes, failures, latencyWeight, latencySum, latencySquares, updatedAt]) => ({
      agentId,
      key,
      bucket,
      successes,
      failures,
      latencyWeight,
      latencySum,
      latencySquares,
      updatedAt,
    }),
  );
}
