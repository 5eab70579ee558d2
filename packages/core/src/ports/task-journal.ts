import type { ParsedTaskResponse } from '../distribution/task-inputs.js';
import type { JournaledTask } from '../models/journaled-task.js';
import type { JournaledAgent } from '../models/agent-registration.js';

/** A task as the journal holds it, with the revision a compare-and-set must name to change it. */
export interface JournalEntry {
  readonly task: JournaledTask;
  readonly revision: number;
}

/** What a compare-and-set write did: written (the new revision), or lost to a newer state (`current`, undefined when the task is gone). */
export type JournalWrite =
  | { readonly written: true; readonly revision: number }
  | { readonly written: false; readonly current: JournalEntry | undefined };

/** An agent's answer as the journal keeps it: always for a known attempt and fence. */
export type JournaledAnswer = Omit<ParsedTaskResponse, 'session'> & {
  readonly attempt: number;
  readonly fence: string;
};

/** What a journal tells the distributor. */
export interface TaskJournalSink {
  /** A task this orchestrator now runs: taken from the shared work queue (new, or left by an orchestrator that died). */
  adopt(entry: JournalEntry): void;
  /** A task reached its final state, here or on another orchestrator. */
  settled(task: JournaledTask): void;
  /** Some orchestrator kept an agent's answer (it may be for a task this one runs). */
  answerRecorded(answer: JournaledAnswer): void;
  /** An agent some orchestrator registered (so a restarted one knows the fleet before it hears from it). */
  agentRegistered(registration: JournaledAgent): void;
  agentUnregistered(agentId: string): void;
}

/**
 * Durable task state shared by orchestrator replicas (JetStream: a work-queue stream and KV).
 * Without one, tasks live in this process only. Every write is a compare-and-set on a revision
 * the writer read or wrote: there is no blind write, so two orchestrators never both move one task.
 */
export interface TaskJournal {
  /** Identifies this orchestrator in what it writes. */
  readonly orchestratorId: string;
  start(sink: TaskJournalSink): Promise<void>;
  stop(): Promise<void>;
  /**
   * Stores a new task and puts it on the shared work queue. `exists` when the id is known: a
   * resubmission of a task not yet taken by anyone is put on the queue again (deduplicated).
   * Throws a TaskDistributionError QUEUE_FULL, keeping nothing, when the work queue is full.
   */
  submit(task: JournaledTask): Promise<'accepted' | 'exists'>;
  /**
   * Writes a task's new state if the stored one is still at `revision`. When it lost, the task
   * is not this writer's any more (its work item is let go) and `current` says who moved it on.
   * A final state also releases the task's work item.
   */
  record(task: JournaledTask, revision: number): Promise<JournalWrite>;
  read(taskId: string): Promise<JournalEntry | undefined>;
  /**
   * Keeps an agent's answer to a task another orchestrator holds; every started journal hears
   * of it (answerRecorded), and whoever adopts the task later can still read it. Kept by fence:
   * a forged answer for the same attempt never hides the genuine one.
   */
  recordAnswer(answer: JournaledAnswer): Promise<void>;
  /** The answer kept for the attempt with this fence (fences are unique per attempt). */
  readAnswer(taskId: string, fence: string): Promise<JournaledAnswer | undefined>;
  recordAgent(registration: JournaledAgent): Promise<void>;
  forgetAgent(agentId: string): Promise<void>;
}
