import { describe, expect, it } from 'vitest';
import { CapabilitySchema } from '../models/identifiers.js';
import { ADMIN_TOKEN, createTestCore } from '../testing/create-test-core.test-helpers.js';

/** Every name an inherited lookup on a plain object could hit, that is also a valid capability. */
const PROTOTYPE_NAMES = Object.getOwnPropertyNames(Object.prototype).filter(
  (name) => CapabilitySchema.safeParse(name).success,
);

describe('capabilities named like Object.prototype members', () => {
  it('covers the names that broke task creation', () => {
    expect(PROTOTYPE_NAMES).toEqual(expect.arrayContaining(['valueOf', 'constructor', 'toString', 'hasOwnProperty']));
  });

  it.each(PROTOTYPE_NAMES)(
    'routes a task needing %s to the agent that has it, with or without capability strategies',
    async (capability) => {
      for (const capabilityStrategies of [{}, { other: 'round_robin' }] as Record<string, string>[]) {
        const core = await createTestCore({ distribution: { capabilityStrategies } });
        await core.engine.registerAgentWithDistributor({
          authToken: ADMIN_TOKEN,
          agentId: 'proto-agent',
          capabilities: [capability],
        });
        const assignment = await core.engine.distributeTask({
          authToken: ADMIN_TOKEN,
          taskId: 'proto-task',
          taskType: 't',
          requiredCapabilities: [capability],
          senderId: 'spec',
        });
        expect(assignment).toMatchObject({ status: 'assigned', agentId: 'proto-agent', strategy: 'capability_match' });
        const created = await core.engine.createTask({
          authToken: ADMIN_TOKEN,
          taskType: 't',
          requiredCapabilities: [capability],
        });
        expect(created.requiredCapabilities).toEqual([capability]);
        await core.engine.stop();
      }
    },
  );
});
