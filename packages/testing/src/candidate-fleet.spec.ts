import { describe, expect, it } from 'vitest';
import { buildTask } from './build-task.js';
import { CandidateFleet } from './candidate-fleet.js';

describe('CandidateFleet and buildTask, the strategy plugin fixtures', () => {
  it('offer the candidates a strategy sees in production: capable, online, with free capacity, indexed', () => {
    const fleet = new CandidateFleet([
      { id: 'busy', capacity: 2, load: 2 },
      { id: 'light', capacity: 4, load: 1, priority: 1 },
      { id: 'idle', capacity: 4 },
      { id: 'other', capabilities: ['elsewhere'] },
    ]);
    const view = fleet.candidates();
    expect([...view].map((agent) => agent.id).sort()).toEqual(['idle', 'light']);
    expect(view.first()?.id).toBe('light');
    expect(view.minByLoadRatio()?.id).toBe('idle');
    expect(view.maxByPriority()?.id).toBe('light');

    fleet.setLoad('busy', 0);
    fleet.setStatus('idle', 'offline');
    fleet.remove('light');
    expect([...fleet.candidates()].map((agent) => agent.id)).toEqual(['busy']);
    expect([...fleet.candidates(['elsewhere'])].map((agent) => agent.id)).toEqual(['other']);
  });

  it('build a pending task with defaults and only the fields a test names', () => {
    expect(buildTask()).toMatchObject({
      id: 'task-1',
      type: 'work',
      requiredCapabilities: ['work'],
      data: null,
      senderId: 'sender',
      priority: 'normal',
      strategy: null,
      status: 'pending',
      attempts: 0,
      weight: 1,
    });
    expect(buildTask({ weight: 3 }).weight).toBe(3);
    expect(buildTask({ senderId: 'tenant-9', data: { key: 'k' } })).toMatchObject({
      senderId: 'tenant-9',
      data: { key: 'k' },
    });
  });
});
