import type { ParsedTaskResponse } from '../distribution/task-inputs.js';
import type { JournaledTask } from '../models/journaled-task.js';
import type { JournaledAgent } from '../models/agent-registration.js';

/** What a journal tells the distributor. */
export interface TaskJournalSink {
  /** A task this orchestrator now runs: taken from the shared work queue (new, or left by an orchestrator that died). */
  adopt(task: JournaledTask): void;
  /** A task reached its final state, here or on another orchestrator. */
  settled(task: JournaledTask): void;
  /** An agent some orchestrator registered (so a restarted one knows the fleet before it hears from it). */
  agentRegistered(registration: JournaledAgent): void;
  agentUnregistered(agentId: string): void;
}

/**
 * Durable task state shared by orchestrator replicas (JetStream: a work-queue stream and KV).
 * Without one, tasks live in this process only. Writes for one task are applied in call order;
 * `record` is compare-and-set against the revision this orchestrator last saw, so two
 * orchestrators never both move the same task.
 */
export interface TaskJournal {
  /** Identifies this orchestrator in what it writes. */
  readonly orchestratorId: string;
  start(sink: TaskJournalSink): Promise<void>;
  stop(): Promise<void>;
  /**
   * Stores a new task and puts it on the shared work queue. `exists` when the id is known: a
   * resubmission of a task not yet taken by anyone is put on the queue again (deduplicated).
   */
  submit(task: JournaledTask): Promise<'accepted' | 'exists'>;
  /**
   * Writes a task's new state; false when the stored task moved on meanwhile (another
   * orchestrator has it, or it is final). A final state also releases the task's work item.
   */
  record(task: JournaledTask): Promise<boolean>;
  read(taskId: string): Promise<JournaledTask | undefined>;
  /**
   * Keeps an agent's answer to a task another orchestrator holds: should that one die before
   * writing it, whoever adopts the task (even a restarted orchestrator) finds it here.
   */
  recordAnswer(answer: ParsedTaskResponse & { readonly attempt: number }): Promise<void>;
  readAnswer(taskId: string, attempt: number): Promise<ParsedTaskResponse | undefined>;
  recordAgent(registration: JournaledAgent): Promise<void>;
  forgetAgent(agentId: string): Promise<void>;
}
