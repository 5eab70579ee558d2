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

/** What a demo agent does with a task: takes about latencyMs (±50 %), sometimes fails, echoes the input. */
export function demoHandler(agent: DemoAgent) {
  return async (task: AgentTask, context: TaskContext) => {
    const jitter = 0.5 + Math.random();
    await sleep(agent.latencyMs * jitter, context.signal);
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
