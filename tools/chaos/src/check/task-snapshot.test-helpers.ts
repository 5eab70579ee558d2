import type { TaskSnapshot } from './task-snapshot.js';

type Attempt = TaskSnapshot['history'][number];

/** A task snapshot as the orchestrator writes it, with what a test cares about overridden. */
export function snapshot(id: string, overrides: Partial<TaskSnapshot> = {}): TaskSnapshot {
  return {
    id,
    status: 'queued',
    priority: 'normal',
    assignedAgentId: null,
    attempts: 0,
    history: [],
    createdAt: 1_000,
    finishedAt: null,
    ...overrides,
  };
}

export function attempt(
  attemptNumber: number,
  agentId: string,
  assignedAt: number,
  outcome: string,
  finishedAt: number | null,
): Attempt {
  return { attempt: attemptNumber, agentId, assignedAt, finishedAt, outcome };
}
