import { describe, expect, it } from 'vitest';
import { submissionRate } from './submission-rate.js';

describe('submissionRate', () => {
  it('spreads the tasks over the time the faults need, so each lands while work flows', () => {
    const events = [
      { kind: 'kill_agent', atTask: 50, agent: 0, downMs: 500 },
      { kind: 'restart_orchestrator', atTask: 130, orchestrator: 1, downMs: 1_000 },
      { kind: 'crash_before_send', atTask: 180, orchestrator: 0, atSend: 5, downMs: 1_000 },
      { kind: 'kill_nats', atTask: 240, node: 2, downMs: 500 },
    ] as const;
    // 1.5 s + 10.5 s + 13.5 s + 4 s of faults, over 75 % of the run: 39.33 s for 400 tasks.
    expect(submissionRate(events, 400, 5_000)).toBeCloseTo(400 / 39.333, 2);
  });

  it('does not hold back a run without faults', () => {
    expect(submissionRate([], 400, 5_000)).toBe(Number.POSITIVE_INFINITY);
  });
});
