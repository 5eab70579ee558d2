import type { Logger } from '@switchyard/core';
import type { Transport } from '@switchyard/core/internal';
import type { AgentTask, TaskContext } from '@switchyard/agent';
import { SwitchyardAgent, TaskFailure } from '@switchyard/agent';
import type { DemoAgent } from '../config/demo-options.js';

/** Waits, or fails at once when the agent is stopped; the abort listener never outlives the wait. */
function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(new TaskFailure('stopped while working', { code: 'AGENT_STOPPED' }));
    };
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal.addEventListener('abort', onAbort, { once: true });
  });
}

/** Most progress steps a demo task may ask for. */
const MAX_PROGRESS_STEPS = 100;

/**
 * A task's data may ask a demo agent to work in steps and report each (context.progress):
 * `{ "progressSteps": n, "stepMs": ms }` (n from 1 to 100; each step takes stepMs, by default
 * the agent's latency). Anything else is worked on in one go, reporting nothing.
 */
function progressStepsOf(data: unknown, latencyMs: number): { steps: number; stepMs: number } | undefined {
  if (typeof data !== 'object' || data === null || Array.isArray(data)) return undefined;
  const { progressSteps, stepMs } = data as { progressSteps?: unknown; stepMs?: unknown };
  if (typeof progressSteps !== 'number' || !Number.isInteger(progressSteps)) return undefined;
  if (progressSteps < 1 || progressSteps > MAX_PROGRESS_STEPS) return undefined;
  return { steps: progressSteps, stepMs: typeof stepMs === 'number' && stepMs >= 0 ? stepMs : latencyMs };
}

/**
 * What a demo agent does with a task: takes about latencyMs (±50 %), sometimes fails, echoes the
 * input; a task that asks for progress steps (see progressStepsOf) is reported step by step.
 */
export function demoHandler(agent: DemoAgent) {
  return async (task: AgentTask, context: TaskContext) => {
    const stepped = progressStepsOf(task.data, agent.latencyMs);
    if (stepped === undefined) {
      const jitter = 0.5 + Math.random();
      await sleep(agent.latencyMs * jitter, context.signal);
    } else {
      for (let step = 1; step <= stepped.steps; step++) {
        await sleep(stepped.stepMs, context.signal);
        context.progress({
          message: `${agent.id}: step ${String(step)} of ${String(stepped.steps)}`,
          fraction: step / stepped.steps,
        });
      }
    }
    if (Math.random() < agent.failureRate)
      throw new TaskFailure(`${agent.id} dropped the ball (simulated)`, { code: 'DEMO_FAILURE' });
    return { handledBy: agent.id, taskType: task.type, input: task.data };
  };
}

/**
 * Starts the configured demo agents in this process, each on its own transport connection.
 * `authToken`: what they register with (the daemon's own token, so agents.requireToken holds for them too).
 */
export async function startDemoFleet(
  agents: readonly DemoAgent[],
  connect: () => Transport,
  logger: Logger,
  authToken?: string,
): Promise<SwitchyardAgent[]> {
  const started: SwitchyardAgent[] = [];
  try {
    for (const agent of agents) {
      const demo = new SwitchyardAgent(
        {
          agentId: agent.id,
          capabilities: agent.capabilities,
          priority: agent.priority,
          ...(agent.capacity === undefined ? {} : { capacity: agent.capacity }),
          metadata: { demo: true, latencyMs: agent.latencyMs },
          ...(authToken === undefined ? {} : { authToken }),
        },
        connect(),
        demoHandler(agent),
        logger,
      );
      await demo.start();
      started.push(demo);
    }
  } catch (error) {
    await stopDemoFleet(started);
    throw error;
  }
  return started;
}

export async function stopDemoFleet(agents: readonly SwitchyardAgent[]): Promise<void> {
  await Promise.all(agents.map((agent) => agent.stop()));
}
