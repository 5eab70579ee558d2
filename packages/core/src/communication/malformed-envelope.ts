import type { z } from 'zod';
import { CommunicationError } from '../errors/communication-error.js';

/** The field a zod issue is about, as `payload.taskId`; `rename` may move it (a packed run's payloads are elsewhere). */
type RenamePath = (path: readonly PropertyKey[]) => readonly PropertyKey[];

/** MALFORMED_MESSAGE naming each bad field, with the issues in its details. */
export function malformedEnvelope(
  issues: readonly z.core.$ZodIssue[],
  rename: RenamePath = (path) => path,
): CommunicationError {
  const named = issues.map((issue) => ({ field: rename(issue.path).map(String).join('.'), message: issue.message }));
  const fields = named.map((issue) => `${issue.field || '(root)'}: ${issue.message}`).join('; ');
  return new CommunicationError('MALFORMED_MESSAGE', `Malformed envelope: ${fields}`, { issues: named });
}
